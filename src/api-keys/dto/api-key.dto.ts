import { ApiProperty } from '@nestjs/swagger';
import type { OwnerType } from '../../rights/principal.js';
import type { ApiKey } from '../api-key.entity.js';
import { ownerIdOf } from '../api-keys.service.js';
import { PageOf } from '../../common/page.dto.js';
import { NULLABLE_RATE_LIMIT_SCHEMA } from './api-key-input.dto.js';

export enum ApiKeyStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
  EXPIRED = 'EXPIRED',
}

export function apiKeyStatus(key: Pick<ApiKey, 'enabled' | 'expiresAt'>, now = Date.now()): ApiKeyStatus {
  if (!key.enabled) return ApiKeyStatus.DISABLED;
  if (key.expiresAt && key.expiresAt.getTime() <= now) return ApiKeyStatus.EXPIRED;
  return ApiKeyStatus.ACTIVE;
}

/** An API key as clients see it: never the key itself, never its hash. */
export class ApiKeyDto {
  /** The key's id: the middle part of `NNSXS.<id>.<secret>`. */
  id: string;
  /** Whose key it is: a user's or a service account's. */
  ownerType: OwnerType;
  ownerId: string;
  /** The owner's id for a user's key; null for a service account's. */
  userId: string | null;
  description: string;
  rights: string[];
  enabled: boolean;
  status: ApiKeyStatus;
  /** Null: never expires. */
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Kept within a minute; null until first used. */
  lastUsedAt: Date | null;
  /** The key this one replaced by a roll; null for a key created as new. */
  rolledFromId: string | null;
  /** The addresses (CIDRs) the key may be used from; null: any. */
  allowedCidrs: string[] | null;
  /** Uses allowed per window, for the whole cluster; null: no limit. */
  @ApiProperty(NULLABLE_RATE_LIMIT_SCHEMA)
  rateLimit: { limit: number; windowSeconds: number } | null;
  /** The owner's JSON object, returned by verify; null: none. */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  metadata: Record<string, unknown> | null;

  static from(key: ApiKey): ApiKeyDto {
    return {
      id: key.id,
      ownerType: key.userId !== null ? 'user' : 'serviceAccount',
      ownerId: ownerIdOf(key),
      userId: key.userId,
      description: key.description,
      rights: key.rights,
      enabled: key.enabled,
      status: apiKeyStatus(key),
      expiresAt: key.expiresAt,
      createdAt: key.createdAt,
      updatedAt: key.updatedAt,
      lastUsedAt: key.lastUsedAt,
      rolledFromId: key.rolledFromId,
      allowedCidrs: key.allowedCidrs,
      rateLimit: key.rateLimit === null ? null : { limit: key.rateLimit, windowSeconds: key.rateLimitWindowSeconds! },
      metadata: key.metadata,
    };
  }
}

/** The answer to a create: the key object plus the key, shown this once. */
export class CreatedApiKeyDto extends ApiKeyDto {
  /**
   * The whole key, `NNSXS.<id>.<secret>`. Copy it now: it is not stored and never shown again.
   * @example NNSXS.ZXPW62GWUYNYJIERJDHBIECRJEKYYDMACPPBEUI.LQD7A5VGEXNZ7F7PNTVUPMPDEB5XBJMTIH6ESUEE622VU2FQVESA
   */
  key: string;
}

export class ApiKeyPageDto extends PageOf(ApiKeyDto) {}
