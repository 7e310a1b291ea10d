import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional, Matches } from 'class-validator';
import { USER_ID } from '../common/ids.js';
import { PageOf, PageQueryDto } from '../common/page.dto.js';
import { AuditAction, type AuditEvent } from './audit-event.entity.js';

export class AuditEventDto {
  id: string;
  occurredAt: Date;
  action: AuditAction;
  /** The user who acted; null for failed authentications. */
  actorUserId: string | null;
  /** The key the actor used, when it acted with one. */
  actorApiKeyId: string | null;
  /** The owner of the key acted on, or the user a login or session event is about (null for an unknown username). */
  targetUserId: string | null;
  apiKeyId: string | null;
  clientIp: string | null;
  /** How many times it happened (failed authentications are aggregated). */
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2_147_483_647 })
  count: number;
  /** What changed (fields and values, never a secret), or why authentication or a login failed. */
  details: Record<string, unknown>;

  static from(event: AuditEvent): AuditEventDto {
    const { id, occurredAt, action, actorUserId, actorApiKeyId, targetUserId, apiKeyId, clientIp, count, details } = event;
    return { id: String(id), occurredAt, action, actorUserId, actorApiKeyId, targetUserId, apiKeyId, clientIp, count, details };
  }
}

export class AuditEventPageDto extends PageOf(AuditEventDto) {}

/**
 * The query of one key's events (`…/api-keys/{keyId}/events`). `textSearch` finds a substring of the
 * action, the client address or the details, in any case.
 */
export class KeyEventPageQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(['occurredAt'])
  sortProperty?: 'occurredAt' = 'occurredAt';

  @IsOptional() @IsEnum(AuditAction)
  action?: AuditAction;
}

/** The query of `GET /api/audit`: a key's events filtered further by key and by user. */
export class AuditPageQueryDto extends KeyEventPageQueryDto {
  /** Events about this key. */
  @IsOptional() @Matches(/^[A-Z2-7]{39}$/, { message: 'apiKeyId must be a key id' })
  @ApiPropertyOptional({ pattern: '^[A-Z2-7]{39}$', example: 'ZXPW62GWUYNYJIERJDHBIECRJEKYYDMACPPBEUI' })
  apiKeyId?: string;

  /** Events about this user (a UUID, or `me` for the caller): its keys, its logins and sessions. */
  @IsOptional() @Matches(USER_ID, { message: 'userId must be a UUID or me' })
  @ApiPropertyOptional({ pattern: USER_ID.source, example: 'me', maxLength: 36 })
  userId?: string;
}
