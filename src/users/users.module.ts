import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminSeeder } from './admin-seeder.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User]), TenantsModule],
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, AdminSeeder],
  exports: [UsersService],
})
export class UsersModule {}
