import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminSeeder } from './admin-seeder.js';
import { Customer } from './customer.entity.js';
import { CustomersRepository } from './customers.repository.js';
import { Tenant } from './tenant.entity.js';
import { CustomersController, TenantsController } from './tenants.controller.js';
import { TenantsRepository } from './tenants.repository.js';
import { TenantsService } from './tenants.service.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User, Tenant, Customer])],
  controllers: [UsersController, TenantsController, CustomersController],
  providers: [UsersRepository, TenantsRepository, CustomersRepository, UsersService, TenantsService, AdminSeeder],
  exports: [UsersService],
})
export class UsersModule {}
