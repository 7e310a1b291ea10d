import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type SelectQueryBuilder } from 'typeorm';
import { canonicalUserId } from '../common/ids.js';
import { fetchPage, likePattern, toPage, type Page } from '../common/page.dto.js';
import { Authority } from '../rights/authority.js';
import type { CredentialOwner, Principal } from '../rights/principal.js';
import type { AuditPageQueryDto, KeyEventPageQueryDto } from './audit-event.dto.js';
import { AuditAction, AuditEvent } from './audit-event.entity.js';

/** What a recorded event says; the actor's identity comes from the principal. */
export interface AuditRecord {
  action: AuditAction;
  actor?: Pick<Principal, 'userId' | 'apiKeyId'> | null;
  targetUserId?: string | null;
  tenantId?: string | null;
  apiKeyId?: string | null;
  clientIp?: string | null;
  count?: number;
  details?: Record<string, unknown>;
  /** The owner of the key the event is about, as it was: not stored, for listeners (a deleted key's owner is gone from the database). */
  keyOwner?: CredentialOwner;
}

/** Hears every batch of events once written (webhooks turn key events into deliveries). */
export type AuditListener = (records: readonly AuditRecord[]) => Promise<void>;

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');
  private readonly listeners: AuditListener[] = [];

  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  /** `listener` hears each batch after it is written, before `record` returns; its failure is logged, like a failed write. */
  onRecorded(listener: AuditListener): void {
    this.listeners.push(listener);
  }

  /**
   * Writes events, in one statement however many (a wrong-key flood flushes thousands at once:
   * rows passed as arrays, not built by the ORM row by row); a failure to write is logged, never
   * turned into a failure of the change it records.
   */
  async record(...records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    const column = <T>(of: (r: AuditRecord) => T) => records.map(of);
    try {
      await this.events.query(
        `INSERT INTO audit_events (action, actor_user_id, actor_api_key_id, target_user_id, tenant_id, api_key_id, client_ip, count, details)
         SELECT * FROM unnest($1::varchar[], $2::uuid[], $3::varchar[], $4::uuid[], $5::uuid[], $6::varchar[], $7::varchar[], $8::int[], $9::jsonb[])`,
        [
          column((r) => r.action),
          column((r) => r.actor?.userId ?? null),
          column((r) => r.actor?.apiKeyId ?? null),
          column((r) => r.targetUserId ?? null),
          column((r) => r.tenantId ?? null),
          column((r) => r.apiKeyId ?? null),
          // behind a hop-count TRUST_PROXY a direct client writes its own address: any text, so at most the column's 64 characters
          column((r) => r.clientIp?.slice(0, 64) ?? null),
          column((r) => r.count ?? 1),
          column((r) => JSON.stringify(r.details ?? {})),
        ],
      );
    } catch (error) {
      this.logger.error(`Could not write ${records.length} audit event(s): ${(error as Error).message}`);
    }
    for (const listener of this.listeners) {
      try {
        await listener(records);
      } catch (error) {
        this.logger.error(`A listener failed on ${records.length} audit event(s): ${(error as Error).message}`, (error as Error).stack);
      }
    }
  }

  async listForKey(apiKeyId: string, query: KeyEventPageQueryDto): Promise<Page<AuditEvent>> {
    const qb = this.events.createQueryBuilder('e').where('e.api_key_id = :apiKeyId', { apiKeyId });
    return this.page(qb, query);
  }

  /** Events a caller may see: all for a system administrator, its own tenant's for a tenant administrator. */
  async list(caller: Principal, query: AuditPageQueryDto): Promise<Page<AuditEvent>> {
    const qb = this.events.createQueryBuilder('e').where('TRUE');
    if (caller.authority !== Authority.SYS_ADMIN) qb.andWhere('e.tenant_id = :tenantId', { tenantId: caller.tenantId });
    if (query.apiKeyId) qb.andWhere('e.api_key_id = :apiKeyId', { apiKeyId: query.apiKeyId });
    if (query.userId) {
      const userId = query.userId === 'me' ? caller.userId : canonicalUserId(query.userId);
      // a caller without a user (a service account's key) has no events of its own
      if (userId) qb.andWhere('e.target_user_id = :userId', { userId });
      else qb.andWhere('FALSE');
    }
    return this.page(qb, query);
  }

  /** The filters every list of events shares (`action`, `textSearch`), then the page asked for. */
  private async page(qb: SelectQueryBuilder<AuditEvent>, query: KeyEventPageQueryDto): Promise<Page<AuditEvent>> {
    if (query.action) qb.andWhere('e.action = :action', { action: query.action });
    if (query.textSearch) {
      qb.andWhere(
        "(e.action ILIKE :text OR e.client_ip ILIKE :text OR CAST(e.details AS text) ILIKE :text)",
        { text: likePattern(query.textSearch) },
      );
    }
    const [events, total] = await fetchPage(qb, query, 'occurredAt');
    return toPage(events, total, query);
  }
}
