import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIP, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { RIGHT_NAME } from '../../rights/right.js';
import type { OwnerType } from '../../rights/principal.js';

export class VerifyKeyDto {
  /**
   * The key a client presented, as it presented it.
   * @example NNSXS.ZXPW62GWUYNYJIERJDHBIECRJEKYYDMACPPBEUI.LQD7A5VGEXNZ7F7PNTVUPMPDEB5XBJMTIH6ESUEE622VU2FQVESA
   */
  @IsString() @MaxLength(1000)
  key: string;

  /**
   * Rights the key must hold, every one of them (from `GET /api/rights`).
   * @example ["RIGHT_TELEMETRY_READ"]
   */
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ArrayUnique() @Matches(RIGHT_NAME, { each: true })
  rights?: string[];

  /**
   * The address of the client that presented the key, as the calling service saw it (IPv4 or IPv6),
   * checked against the key's `allowedCidrs`. Absent: the address of the service calling verify.
   * @example 203.0.113.7
   */
  @IsOptional() @IsString() @IsIP()
  address?: string;
}

export enum VerifyCode {
  VALID = 'VALID',
  MALFORMED = 'MALFORMED',
  NOT_FOUND = 'NOT_FOUND',
  DISABLED = 'DISABLED',
  EXPIRED = 'EXPIRED',
  OWNER_DISABLED = 'OWNER_DISABLED',
  INSUFFICIENT_RIGHTS = 'INSUFFICIENT_RIGHTS',
  ADDRESS_NOT_ALLOWED = 'ADDRESS_NOT_ALLOWED',
  RATE_LIMITED = 'RATE_LIMITED',
}

export class KeyOwnerDto {
  type: OwnerType;
  id: string;
  tenantId: string | null;
  customerId: string | null;
}

/** Fields that do not apply to the answer are absent (nothing about a key that was not found). */
export class VerifyKeyResultDto {
  valid: boolean;
  code: VerifyCode;
  keyId?: string;
  owner?: KeyOwnerDto;
  /** The key's effective rights now, pseudo-rights expanded. */
  rights?: string[];
  /** Null: never expires. */
  expiresAt?: Date | null;
  /** With INSUFFICIENT_RIGHTS: the rights asked for that the key does not hold. */
  missingRights?: string[];
  /** The metadata the key's owner attached to it; null when none. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  metadata?: Record<string, unknown> | null;
  /** With RATE_LIMITED: seconds before the key is checked again (past its failure limit, or its rate limit). */
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: 2_147_483_647 })
  retryAfter?: number;
}
