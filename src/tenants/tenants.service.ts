import { Injectable } from '@nestjs/common';
import { toPage, type Page } from '../common/page.dto.js';
import { ChangeFeed } from '../database/change-feed.js';
import type { NamedPageQueryDto } from './dto/named-page-query.dto.js';
import type { Tenant } from './tenant.entity.js';
import { TenantNotFound } from './tenant.errors.js';
import { TenantsRepository } from './tenants.repository.js';

/** Tenants, managed by system administrators. */
@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly changes: ChangeFeed,
  ) {}

  create(name: string): Promise<Tenant> {
    return this.tenants.create(name);
  }

  async list(query: NamedPageQueryDto): Promise<Page<Tenant>> {
    const [tenants, total] = await this.tenants.findPage(query);
    return toPage(tenants, total, query);
  }

  /** Deletes the tenant with its customers, users and their keys. */
  async delete(id: string): Promise<void> {
    if (!(await this.tenants.findById(id))) throw new TenantNotFound(id);
    await this.tenants.delete(id);
    this.changes.publish({ kind: 'reset' });
  }
}
