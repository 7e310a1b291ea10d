import { IsEnum, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
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
  count: number;
  /** What changed (fields and values, never a secret), or why authentication or a login failed. */
  details: Record<string, unknown>;

  static from(event: AuditEvent): AuditEventDto {
    const { id, occurredAt, action, actorUserId, actorApiKeyId, targetUserId, apiKeyId, clientIp, count, details } = event;
    return { id: String(id), occurredAt, action, actorUserId, actorApiKeyId, targetUserId, apiKeyId, clientIp, count, details };
  }
}

export class AuditEventPageDto extends PageOf(AuditEventDto) {}

export class AuditPageQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(['occurredAt'])
  sortProperty?: 'occurredAt' = 'occurredAt';

  @IsOptional() @IsEnum(AuditAction)
  action?: AuditAction;

  @IsOptional() @Matches(/^[A-Z2-7]{39}$/, { message: 'apiKeyId must be a key id' })
  apiKeyId?: string;

  /** Events about this user: its keys, its logins and sessions. */
  @IsOptional() @IsUUID()
  userId?: string;
}
