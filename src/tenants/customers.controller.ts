import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Principal } from '../rights/principal.js';
import { Right } from '../rights/right.js';
import { CurrentPrincipal, RequireRights } from '../rights/route-rights.decorator.js';
import { CustomersService } from './customers.service.js';
import { CreateCustomerDto, CustomerDto, CustomerPageDto } from './dto/customer.dto.js';
import { NamedPageQueryDto } from './dto/named-page-query.dto.js';
import { mapPage } from '../common/page.dto.js';

@ApiTags('customers')
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  /** Creates a customer in the caller's tenant. */
  @Post()
  @RequireRights(Right.USER_CUSTOMERS)
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateCustomerDto): Promise<CustomerDto> {
    return CustomerDto.from(await this.customers.create(principal, dto.name));
  }

  /** Lists the customers of the caller's tenant, paged, searchable by name. */
  @Get()
  @RequireRights(Right.USER_CUSTOMERS)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: NamedPageQueryDto): Promise<CustomerPageDto> {
    const page = await this.customers.list(principal, query);
    return mapPage(page, CustomerDto.from);
  }

  /** Deletes the customer with its users and their API keys. */
  @Delete(':customerId')
  @HttpCode(204)
  @RequireRights(Right.USER_CUSTOMERS)
  async delete(@CurrentPrincipal() principal: Principal, @Param('customerId') customerId: string): Promise<void> {
    await this.customers.delete(principal, customerId);
  }
}
