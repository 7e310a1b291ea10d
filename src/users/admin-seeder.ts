import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { Authority } from '../rights/authority.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/** On an empty database, creates the first system administrator from ADMIN_EMAIL / ADMIN_PASSWORD. */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminSeeder');

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const password = this.config.ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
    const admin = this.users.create({
      email: this.config.ADMIN_EMAIL.toLowerCase(),
      passwordHash: await this.usersService.hashPassword(password),
      authority: Authority.SYS_ADMIN,
      tenantId: null,
      customerId: null,
      enabled: true,
    });
    try {
      await this.users.save(admin);
    } catch (error) {
      // another instance sharing the database seeded it first
      if ((await this.users.count()) > 0) return;
      throw error;
    }
    this.logger.log(`Created the system administrator ${admin.email}`);
    if (!this.config.ADMIN_PASSWORD) {
      // printed once, to the console only: the one way to learn a generated password
      process.stdout.write(
        `\n  First start: system administrator ${admin.email}, generated password: ${password}\n` +
          `  It is not shown again. Log in and keep it, or set ADMIN_PASSWORD before the first start.\n\n`,
      );
    }
  }
}
