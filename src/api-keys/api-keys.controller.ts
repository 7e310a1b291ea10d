import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuditEventDto, AuditEventPageDto, KeyEventPageQueryDto } from '../audit/audit-event.dto.js';
import { ClientIp } from '../common/client-ip.decorator.js';
import type { Principal } from '../rights/principal.js';
import { Right } from '../rights/right.js';
import { CurrentPrincipal, RequireUserRights } from '../rights/route-rights.decorator.js';
import { ApiKeysService, type KeyOwnerRef } from './api-keys.service.js';
import { ApiKeyPageQueryDto, CreateApiKeyDto, RollApiKeyDto, UpdateApiKeyDto } from './dto/api-key-input.dto.js';
import { ApiKeyDto, ApiKeyPageDto, CreatedApiKeyDto } from './dto/api-key.dto.js';
import { mapPage } from '../common/page.dto.js';

/** A user's API keys; `userId` may be `me`. One's own keys need RIGHT_USER_SETTINGS_API_KEYS, a managed user's RIGHT_USER_USERS_API_KEYS. */
@ApiTags('api-keys')
@Controller('users/:userId/api-keys')
@RequireUserRights({ self: Right.USER_SETTINGS_API_KEYS, other: Right.USER_USERS_API_KEYS })
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** Creates a key and shows it, this once: copy `key` now. */
  @Post()
  @Header('Cache-Control', 'no-store')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Param('userId') userId: string,
    @Body() dto: CreateApiKeyDto,
    @ClientIp() clientIp: string,
  ): Promise<CreatedApiKeyDto> {
    const { apiKey, key } = await this.apiKeys.create(principal, user(userId), dto, clientIp);
    return { ...ApiKeyDto.from(apiKey), key };
  }

  /** Lists the user's keys, paged, searchable by description. */
  @Get()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param('userId') userId: string,
    @Query() query: ApiKeyPageQueryDto,
  ): Promise<ApiKeyPageDto> {
    const page = await this.apiKeys.list(principal, user(userId), query);
    return mapPage(page, ApiKeyDto.from);
  }

  /** Reads one of the user's keys (never its secret). */
  @Get(':keyId')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('userId') userId: string,
    @Param('keyId') keyId: string,
  ): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.apiKeys.get(principal, user(userId), keyId));
  }

  /** Edits the description, enables or disables, changes expiry or rights: only the fields sent change. */
  @Patch(':keyId')
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('userId') userId: string,
    @Param('keyId') keyId: string,
    @Body() dto: UpdateApiKeyDto,
    @ClientIp() clientIp: string,
  ): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.apiKeys.update(principal, user(userId), keyId, dto, clientIp));
  }

  /**
   * Rolls the key: a new one (shown this once) with its description, rights and expiry, while the old
   * one keeps working for `overlapSeconds` and is then refused as expired.
   */
  @Post(':keyId/roll')
  @Header('Cache-Control', 'no-store')
  async roll(
    @CurrentPrincipal() principal: Principal,
    @Param('userId') userId: string,
    @Param('keyId') keyId: string,
    @Body() dto: RollApiKeyDto,
    @ClientIp() clientIp: string,
  ): Promise<CreatedApiKeyDto> {
    const { apiKey, key } = await this.apiKeys.roll(principal, user(userId), keyId, dto, clientIp);
    return { ...ApiKeyDto.from(apiKey), key };
  }

  /** Deletes the key: it never works again. */
  @Delete(':keyId')
  @HttpCode(204)
  async delete(
    @CurrentPrincipal() principal: Principal,
    @Param('userId') userId: string,
    @Param('keyId') keyId: string,
    @ClientIp() clientIp: string,
  ): Promise<void> {
    await this.apiKeys.delete(principal, user(userId), keyId, clientIp);
  }

  /** The key's audit trail, newest first: created, updated, enabled, disabled, failed authentications (aggregated). */
  @Get(':keyId/events')
  async events(
    @CurrentPrincipal() principal: Principal,
    @Param('userId') userId: string,
    @Param('keyId') keyId: string,
    @Query() query: KeyEventPageQueryDto,
  ): Promise<AuditEventPageDto> {
    const page = await this.apiKeys.events(principal, user(userId), keyId, query);
    return mapPage(page, AuditEventDto.from);
  }
}

const user = (id: string): KeyOwnerRef => ({ type: 'user', id });
