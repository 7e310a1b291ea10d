import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { fetchPage, toPage, type Page } from '../common/page.dto.js';
import { Authority } from '../rights/authority.js';
import type { Principal } from '../rights/principal.js';
import type { AuditPageQueryDto } from './audit-event.dto.js';
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
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  /** Writes events; a failure to write is logged, never turned into a failure of the change it records. */
  async record(...records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.events.insert(
        records.map((r) => ({
          action: r.action,
          actorUserId: r.actor?.userId ?? null,
          actorApiKeyId: r.actor?.apiKeyId ?? null,
          targetUserId: r.targetUserId ?? null,
          tenantId: r.tenantId ?? null,
          apiKeyId: r.apiKeyId ?? null,
          clientIp: r.clientIp ?? null,
          count: r.count ?? 1,
          details: (r.details ?? {}) as Record<string, any>,
        })),
      );
    } catch (error) {
      this.logger.error(`Could not write ${records.length} audit event(s): ${(error as Error).message}`);
    }
  }

  async listForKey(apiKeyId: string, query: AuditPageQueryDto): Promise<Page<AuditEvent>> {
    const qb = this.events.createQueryBuilder('e').where('e.api_key_id = :apiKeyId', { apiKeyId });
    if (query.action) qb.andWhere('e.action = :action', { action: query.action });
    const [events, total] = await fetchPage(qb, query, 'occurredAt');
    return toPage(events, total, query);
  }

  /** Events a caller may see: all for a system administrator, its own tenant's for a tenant administrator. */
  async list(caller: Principal, query: AuditPageQueryDto): Promise<Page<AuditEvent>> {
    const qb = this.events.createQueryBuilder('e');
    if (caller.authority !== Authority.SYS_ADMIN) qb.where('e.tenant_id = :tenantId', { tenantId: caller.tenantId });
    if (query.action) qb.andWhere('e.action = :action', { action: query.action });
    if (query.apiKeyId) qb.andWhere('e.api_key_id = :apiKeyId', { apiKeyId: query.apiKeyId });
    if (query.userId) qb.andWhere('e.target_user_id = :userId', { userId: query.userId });
    const [events, total] = await fetchPage(qb, query, 'occurredAt');
    return toPage(events, total, query);
  }
}
