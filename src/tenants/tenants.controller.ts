import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Right } from '../rights/right.js';
import { RequireRights } from '../rights/route-rights.decorator.js';
import { NamedPageQueryDto } from './dto/named-page-query.dto.js';
import { CreateTenantDto, TenantDto, TenantPageDto } from './dto/tenant.dto.js';
import { TenantsService } from './tenants.service.js';
import { mapPage } from '../common/page.dto.js';

@ApiTags('tenants')
@Controller('tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  /** Creates a tenant. */
  @Post()
  @RequireRights(Right.USER_TENANTS)
  async create(@Body() dto: CreateTenantDto): Promise<TenantDto> {
    return TenantDto.from(await this.tenants.create(dto.name));
  }

  /** Lists the tenants, paged, searchable by name. */
  @Get()
  @RequireRights(Right.USER_TENANTS)
  async list(@Query() query: NamedPageQueryDto): Promise<TenantPageDto> {
    const page = await this.tenants.list(query);
    return mapPage(page, TenantDto.from);
  }

  /** Deletes the tenant with its customers, users and their API keys. */
  @Delete(':tenantId')
  @HttpCode(204)
  @RequireRights(Right.USER_TENANTS)
  async delete(@Param('tenantId') tenantId: string): Promise<void> {
    await this.tenants.delete(tenantId);
  }
}
