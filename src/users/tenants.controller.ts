import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Principal } from '../rights/principal.js';
import { Right } from '../rights/right.js';
import { CurrentPrincipal, RequireRights } from '../rights/route-rights.decorator.js';
import {
  CreateCustomerDto, CreateTenantDto, CustomerDto, CustomerPageDto, NamedPageQueryDto, TenantDto, TenantPageDto,
} from './dto/tenant.dto.js';
import { TenantsService } from './tenants.service.js';

@ApiTags('tenants')
@Controller('tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @RequireRights(Right.USER_TENANTS)
  async create(@Body() dto: CreateTenantDto): Promise<TenantDto> {
    return TenantDto.from(await this.tenants.createTenant(dto.name));
  }

  @Get()
  @RequireRights(Right.USER_TENANTS)
  async list(@Query() query: NamedPageQueryDto): Promise<TenantPageDto> {
    const page = await this.tenants.listTenants(query);
    return { ...page, data: page.data.map(TenantDto.from) };
  }

  /** Deletes the tenant with its customers, users and their API keys. */
  @Delete(':tenantId')
  @HttpCode(204)
  @RequireRights(Right.USER_TENANTS)
  async delete(@Param('tenantId') tenantId: string): Promise<void> {
    await this.tenants.deleteTenant(tenantId);
  }
}

@ApiTags('customers')
@Controller('customers')
export class CustomersController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @RequireRights(Right.USER_CUSTOMERS)
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateCustomerDto): Promise<CustomerDto> {
    return CustomerDto.from(await this.tenants.createCustomer(principal, dto.name));
  }

  @Get()
  @RequireRights(Right.USER_CUSTOMERS)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: NamedPageQueryDto): Promise<CustomerPageDto> {
    const page = await this.tenants.listCustomers(principal, query);
    return { ...page, data: page.data.map(CustomerDto.from) };
  }

  /** Deletes the customer with its users and their API keys. */
  @Delete(':customerId')
  @HttpCode(204)
  @RequireRights(Right.USER_CUSTOMERS)
  async delete(@CurrentPrincipal() principal: Principal, @Param('customerId') customerId: string): Promise<void> {
    await this.tenants.deleteCustomer(principal, customerId);
  }
}
