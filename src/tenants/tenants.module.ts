import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Customer } from './customer.entity.js';
import { CustomersController } from './customers.controller.js';
import { CustomersRepository } from './customers.repository.js';
import { CustomersService } from './customers.service.js';
import { Tenant } from './tenant.entity.js';
import { TenantsController } from './tenants.controller.js';
import { TenantsRepository } from './tenants.repository.js';
import { TenantsService } from './tenants.service.js';

/** Tenants and their customers: where users belong. */
@Module({
  imports: [TypeOrmModule.forFeature([Tenant, Customer])],
  controllers: [TenantsController, CustomersController],
  providers: [TenantsRepository, CustomersRepository, TenantsService, CustomersService],
  exports: [TenantsRepository, CustomersRepository],
})
export class TenantsModule {}
