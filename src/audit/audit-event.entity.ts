import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum AuditAction {
  API_KEY_CREATED = 'API_KEY_CREATED',
  API_KEY_UPDATED = 'API_KEY_UPDATED',
  API_KEY_ENABLED = 'API_KEY_ENABLED',
  API_KEY_DISABLED = 'API_KEY_DISABLED',
  API_KEY_DELETED = 'API_KEY_DELETED',
  /** A new key replaced this one (`details.newKeyId`, `details.overlapSeconds`); the new key's CREATED names it. */
  API_KEY_ROLLED = 'API_KEY_ROLLED',
  /** Someone who found the key reported it leaked (POST /api/keys/report-leaked): it was disabled. */
  API_KEY_LEAK_REPORTED = 'API_KEY_LEAK_REPORTED',
  /** Failed authentications with one key id (or with unknown ids), aggregated: see `count`. */
  API_KEY_AUTH_FAILED = 'API_KEY_AUTH_FAILED',
  /** A service account was created, changed (`details.changed`), enabled, disabled or deleted: `details.serviceAccountId`. */
  SERVICE_ACCOUNT_CREATED = 'SERVICE_ACCOUNT_CREATED',
  SERVICE_ACCOUNT_UPDATED = 'SERVICE_ACCOUNT_UPDATED',
  SERVICE_ACCOUNT_ENABLED = 'SERVICE_ACCOUNT_ENABLED',
  SERVICE_ACCOUNT_DISABLED = 'SERVICE_ACCOUNT_DISABLED',
  SERVICE_ACCOUNT_DELETED = 'SERVICE_ACCOUNT_DELETED',
  /** A webhook was created or deleted: `details.webhookId`, `details.url`, `details.events` (never its secret). */
  WEBHOOK_CREATED = 'WEBHOOK_CREATED',
  WEBHOOK_DELETED = 'WEBHOOK_DELETED',
  /** A refused login, with the real reason in `details.reason` (the client only hears "Invalid username or password"). */
  LOGIN_FAILED = 'LOGIN_FAILED',
  /** A refresh token presented again after it was exchanged: its session was ended. */
  REFRESH_TOKEN_REUSED = 'REFRESH_TOKEN_REUSED',
}

/** Who did what to which key or login session, when and from where. Never a secret. */
@Entity({ name: 'audit_events' })
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  @Column({ type: 'varchar', length: 40 })
  action: AuditAction;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ name: 'actor_api_key_id', type: 'varchar', length: 39, nullable: true })
  actorApiKeyId: string | null;

  @Column({ name: 'target_user_id', type: 'uuid', nullable: true })
  targetUserId: string | null;

  @Column({ name: 'tenant_id', type: 'uuid', nullable: true })
  tenantId: string | null;

  @Column({ name: 'api_key_id', type: 'varchar', length: 39, nullable: true })
  apiKeyId: string | null;

  @Column({ name: 'client_ip', type: 'varchar', length: 64, nullable: true })
  clientIp: string | null;

  @Column({ type: 'integer', default: 1 })
  count: number;

  // `any`, not `unknown`: TypeORM's insert typing cannot see through an unknown-valued record
  @Column({ type: 'jsonb', default: {} })
  details: Record<string, any>;
}
