import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ClientIp } from '../common/client-ip.decorator.js';
import { mapPage } from '../common/page.dto.js';
import type { Principal } from '../rights/principal.js';
import { Right } from '../rights/right.js';
import { CurrentPrincipal, RequireRights } from '../rights/route-rights.decorator.js';
import {
  CreateServiceAccountDto, ServiceAccountDto, ServiceAccountPageDto, ServiceAccountPageQueryDto, UpdateServiceAccountDto,
} from './dto/service-account.dto.js';
import { ServiceAccountsService } from './service-accounts.service.js';

/** Accounts for backends, device fleets and integrations: keys that belong to no person. */
@ApiTags('service-accounts')
@Controller('service-accounts')
@RequireRights(Right.USER_SERVICE_ACCOUNTS)
export class ServiceAccountsController {
  constructor(private readonly accounts: ServiceAccountsService) {}

  /** Creates a service account: keys for a backend or a device fleet, owned by no person. */
  @Post()
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateServiceAccountDto, @ClientIp() clientIp: string): Promise<ServiceAccountDto> {
    return ServiceAccountDto.from(await this.accounts.create(principal, dto, clientIp));
  }

  /** The accounts the caller manages: the system-level ones for a system administrator, its tenant's for a tenant administrator. */
  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ServiceAccountPageQueryDto): Promise<ServiceAccountPageDto> {
    return mapPage(await this.accounts.list(principal, query), ServiceAccountDto.from);
  }

  /** Reads one service account the caller manages. */
  @Get(':serviceAccountId')
  async get(@CurrentPrincipal() principal: Principal, @Param('serviceAccountId') id: string): Promise<ServiceAccountDto> {
    return ServiceAccountDto.from(await this.accounts.getManaged(principal, id));
  }

  /** Renames, describes, enables or disables (every key of a disabled account is refused at once), or changes rights. */
  @Patch(':serviceAccountId')
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('serviceAccountId') id: string,
    @Body() dto: UpdateServiceAccountDto,
    @ClientIp() clientIp: string,
  ): Promise<ServiceAccountDto> {
    return ServiceAccountDto.from(await this.accounts.update(principal, id, dto, clientIp));
  }

  /** Deletes the account and its keys. */
  @Delete(':serviceAccountId')
  @HttpCode(204)
  async delete(@CurrentPrincipal() principal: Principal, @Param('serviceAccountId') id: string, @ClientIp() clientIp: string): Promise<void> {
    await this.accounts.delete(principal, id, clientIp);
  }
}
