import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository, type EntityManager } from 'typeorm';
import { isUuid } from '../common/ids.js';
import { fetchPage, likePattern } from '../common/page.dto.js';
import type { DeliveryPageQueryDto, WebhookPageQueryDto } from './dto/webhook.dto.js';
import { WebhookDelivery, type DeliveryAttempt, type DeliveryStatus } from './webhook-delivery.entity.js';
import type { WebhookKey } from './webhook-event.js';
import { Webhook } from './webhook.entity.js';

/** An event ready to go to every webhook of its tenant (and the system-wide ones) that subscribed to its type. */
export interface OutgoingEvent {
  id: string;
  type: string;
  /** The tenant of the key's owner; null for a system-level owner. */
  tenantId: string | null;
  body: string;
}

/** A delivery claimed for an attempt, with where and how to send it. */
export interface ClaimedDelivery {
  id: string;
  eventType: string;
  body: string;
  createdAt: Date;
  attemptCount: number;
  url: string;
  secret: string;
}

/** Who a webhook list or lookup is for: every webhook (a system administrator), or a tenant's. */
export type WebhookScope = { all: true } | { all: false; tenantId: string };

@Injectable()
export class WebhooksRepository {
  constructor(
    @InjectRepository(Webhook) private readonly webhooks: Repository<Webhook>,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    private readonly dataSource: DataSource,
  ) {}

  /** A webhook in the scope; an id that is not a UUID, or one outside the scope, names none. */
  async findInScope(scope: WebhookScope, id: string): Promise<Webhook | null> {
    if (!isUuid(id)) return null;
    const webhook = await this.webhooks.findOneBy({ id });
    return webhook && (scope.all || webhook.tenantId === scope.tenantId) ? webhook : null;
  }

  countForTenant(tenantId: string | null): Promise<number> {
    return this.webhooks.createQueryBuilder('w').where('w.tenant_id IS NOT DISTINCT FROM :tenantId', { tenantId }).getCount();
  }

  findPage(scope: WebhookScope, query: WebhookPageQueryDto): Promise<[Webhook[], number]> {
    const qb = this.webhooks.createQueryBuilder('w').where('TRUE');
    if (!scope.all) qb.andWhere('w.tenant_id = :tenantId', { tenantId: scope.tenantId });
    if (query.textSearch) qb.andWhere('w.url ILIKE :pattern', { pattern: likePattern(query.textSearch) });
    return fetchPage(qb, query, 'createdAt');
  }

  insert(fields: Pick<Webhook, 'tenantId' | 'url' | 'events' | 'secret'>): Promise<Webhook> {
    return this.webhooks.save(this.webhooks.create(fields));
  }

  /** Deletes the webhook and its deliveries (foreign key, cascade). */
  async delete(id: string): Promise<boolean> {
    return ((await this.webhooks.delete({ id })).affected ?? 0) > 0;
  }

  findDeliveryPage(webhookId: string, query: DeliveryPageQueryDto): Promise<[WebhookDelivery[], number]> {
    const qb = this.deliveries.createQueryBuilder('d').where('d.webhook_id = :webhookId', { webhookId });
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    if (query.event) qb.andWhere('d.event_type = :event', { event: query.event });
    if (query.textSearch) qb.andWhere('d.body ILIKE :pattern', { pattern: likePattern(query.textSearch) });
    return fetchPage(qb, query, 'createdAt');
  }

  /** One delivery per event and subscribed webhook (the event's tenant's, and the system-wide ones), due now. */
  async enqueue(events: readonly OutgoingEvent[], manager: EntityManager = this.dataSource.manager): Promise<void> {
    if (events.length === 0) return;
    await manager.query(
      `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, body, next_attempt_at)
       SELECT w.id, e.id, e.type, e.body, now()
       FROM unnest($1::uuid[], $2::varchar[], $3::uuid[], $4::text[]) AS e (id, type, tenant_id, body)
       JOIN webhooks w ON (w.tenant_id IS NULL OR w.tenant_id = e.tenant_id) AND e.type = ANY (w.events)`,
      [events.map((e) => e.id), events.map((e) => e.type), events.map((e) => e.tenantId), events.map((e) => e.body)],
    );
  }

  /**
   * Claims up to `limit` due deliveries for this instance: the rows are locked, skipping those
   * another instance holds, and their next attempt moved `leaseSeconds` ahead, so nobody else takes
   * them while they are sent; one that is never reported (a crash) is due again when the lease ends.
   */
  async claimDue(limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      // a SELECT around the UPDATE: TypeORM hands an UPDATE's rows back as [rows, count]
      `WITH claimed AS (
         UPDATE webhook_deliveries d SET next_attempt_at = now() + $2 * interval '1 second'
         FROM webhooks w
         WHERE w.id = d.webhook_id AND d.id IN (
           SELECT id FROM webhook_deliveries
           WHERE status = 'PENDING' AND next_attempt_at <= now()
           ORDER BY next_attempt_at
           LIMIT $1
           FOR UPDATE SKIP LOCKED)
         RETURNING d.id, d.event_type, d.body, d.created_at, jsonb_array_length(d.attempts) AS attempt_count, w.url, w.secret)
       SELECT * FROM claimed`,
      [limit, leaseSeconds],
    );
    return rows.map((r) => ({
      id: r.id as string,
      eventType: r.event_type as string,
      body: r.body as string,
      createdAt: new Date(r.created_at as string),
      attemptCount: Number(r.attempt_count),
      url: r.url as string,
      secret: r.secret as string,
    }));
  }

  /** Appends an attempt and sets what comes next: delivered, failed for good, or due again at `nextAttemptAt`. */
  async recordAttempt(id: string, attempt: DeliveryAttempt, status: DeliveryStatus, nextAttemptAt: Date | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET attempts = attempts || jsonb_build_array($2::jsonb), status = $3, next_attempt_at = $4, updated_at = now() WHERE id = $1`,
      [id, JSON.stringify(attempt), status, nextAttemptAt],
    );
  }

  /** Keys with their owners as a webhook shows them, read in one query whoever owns them. */
  async keysWithOwners(ids: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<WebhookKey[]> {
    if (ids.length === 0) return [];
    const rows: Array<Record<string, any>> = await manager.query(
      `SELECT k.id, k.description, k.rights, k.enabled, k.expires_at, k.created_at, k.rolled_from_id,
              k.user_id, k.service_account_id, COALESCE(u.tenant_id, s.tenant_id) AS tenant_id, COALESCE(u.customer_id, s.customer_id) AS customer_id
       FROM api_keys k
       LEFT JOIN users u ON u.id = k.user_id
       LEFT JOIN service_accounts s ON s.id = k.service_account_id
       WHERE k.id = ANY ($1::varchar[])`,
      [ids],
    );
    return rows.map((r) => ({
      id: r.id,
      description: r.description,
      owner: {
        type: r.user_id ? 'user' : 'serviceAccount',
        id: r.user_id ?? r.service_account_id,
        tenantId: r.tenant_id ?? null,
        customerId: r.customer_id ?? null,
      },
      rights: r.rights,
      enabled: r.enabled,
      expiresAt: r.expires_at ? new Date(r.expires_at) : null,
      createdAt: new Date(r.created_at),
      rolledFromId: r.rolled_from_id ?? null,
    }));
  }

  /**
   * Notes, once in the database's memory, each enabled key that has come within one of
   * `thresholdsDays` of its expiry and was not yet warned at that threshold for that expiry (the
   * nearest threshold it is within; a key rolled into another is left out: it ends by design).
   * Returns the warnings this call added: another instance running the same statement at the same
   * time adds none of them (primary key, ON CONFLICT DO NOTHING).
   */
  async noteExpiryWarnings(thresholdsDays: readonly number[], manager: EntityManager): Promise<Array<{ apiKeyId: string; thresholdDays: number }>> {
    const rows: Array<{ api_key_id: string; threshold_days: number }> = await manager.query(
      `INSERT INTO key_expiry_warnings (api_key_id, threshold_days, expires_at)
       SELECT c.id, c.threshold, c.expires_at FROM (
         SELECT k.id, k.expires_at, (SELECT min(d) FROM unnest($1::int[]) AS d WHERE k.expires_at <= now() + d * interval '1 day') AS threshold
         FROM api_keys k
         WHERE k.enabled AND k.expires_at > now() AND k.expires_at <= now() + $2 * interval '1 day'
           AND NOT EXISTS (SELECT 1 FROM api_keys n WHERE n.rolled_from_id = k.id)
       ) c
       ON CONFLICT DO NOTHING
       RETURNING api_key_id, threshold_days`,
      [thresholdsDays, Math.max(...thresholdsDays)],
    );
    return rows.map((r) => ({ apiKeyId: r.api_key_id, thresholdDays: Number(r.threshold_days) }));
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
