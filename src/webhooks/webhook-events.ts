import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-event.entity.js';
import { AuditService, type AuditRecord } from '../audit/audit.service.js';
import { EXPIRY_THRESHOLDS_DAYS, WebhookEventType, type WebhookEvent, type WebhookKey } from './webhook-event.js';
import { WebhooksRepository, type OutgoingEvent } from './webhooks.repository.js';

/** The audit actions that webhooks hear, with what each adds to the payload from the event's details. */
const FROM_AUDIT: Partial<Record<AuditAction, { type: WebhookEventType; data?: (details: Record<string, unknown>) => Record<string, unknown> }>> = {
  [AuditAction.API_KEY_CREATED]: { type: WebhookEventType.API_KEY_CREATED },
  [AuditAction.API_KEY_UPDATED]: { type: WebhookEventType.API_KEY_UPDATED, data: (d) => ({ changed: d }) },
  // there is no "enabled" event: a key working again is an update of its `enabled`
  [AuditAction.API_KEY_ENABLED]: { type: WebhookEventType.API_KEY_UPDATED, data: () => ({ changed: { enabled: { from: false, to: true } } }) },
  [AuditAction.API_KEY_DISABLED]: { type: WebhookEventType.API_KEY_DISABLED },
  [AuditAction.API_KEY_DELETED]: { type: WebhookEventType.API_KEY_DELETED },
  [AuditAction.API_KEY_ROLLED]: { type: WebhookEventType.API_KEY_ROLLED, data: (d) => ({ newKeyId: d.newKeyId, overlapSeconds: d.overlapSeconds }) },
  [AuditAction.API_KEY_LEAK_REPORTED]: { type: WebhookEventType.API_KEY_LEAK_REPORTED, data: (d) => ({ disabled: d.disabled }) },
};

/**
 * Turns key events into deliveries where they are recorded: the audit trail tells this listener
 * of every event it wrote, so each change of a key reaches webhooks from the one place that
 * records it (creation, update, disabling, deletion, roll, leak report) and the key lifecycle
 * knows nothing of webhooks. The expiry warnings come from the expiry scan.
 */
@Injectable()
export class WebhookEvents implements OnModuleInit {
  constructor(
    private readonly audit: AuditService,
    private readonly webhooks: WebhooksRepository,
  ) {}

  onModuleInit(): void {
    this.audit.onRecorded((records) => this.fromAudit(records));
  }

  async fromAudit(records: readonly AuditRecord[]): Promise<void> {
    const relevant = records.filter((r) => r.apiKeyId && FROM_AUDIT[r.action]);
    if (relevant.length === 0) return;
    const stored = new Map((await this.webhooks.keysWithOwners(relevant.map((r) => r.apiKeyId!))).map((k) => [k.id, k]));
    const events = relevant.flatMap((record) => {
      const { type, data } = FROM_AUDIT[record.action]!;
      // a deleted key is gone from the database: its id and owner, as the record says them
      const owner = record.keyOwner;
      const key: WebhookKey | undefined =
        stored.get(record.apiKeyId!) ??
        (owner ? { id: record.apiKeyId!, owner: { type: owner.type, id: owner.id, tenantId: owner.tenantId, customerId: owner.customerId } } : undefined);
      return key ? [outgoing(type, key, data?.(record.details ?? {}) ?? {})] : [];
    });
    await this.webhooks.enqueue(events);
  }

  /** Expiry warnings not yet given, each noted and queued in one transaction: given once, whichever instance finds it first. */
  async warnExpiring(): Promise<number> {
    return this.webhooks.transaction(async (manager: EntityManager) => {
      const warnings = await this.webhooks.noteExpiryWarnings(EXPIRY_THRESHOLDS_DAYS, manager);
      if (warnings.length === 0) return 0;
      const keys = new Map((await this.webhooks.keysWithOwners(warnings.map((w) => w.apiKeyId), manager)).map((k) => [k.id, k]));
      const events = warnings.flatMap((w) => {
        const key = keys.get(w.apiKeyId);
        return key ? [outgoing(WebhookEventType.API_KEY_EXPIRING, key, { threshold: w.thresholdDays })] : [];
      });
      await this.webhooks.enqueue(events, manager);
      return events.length;
    });
  }
}

function outgoing(type: WebhookEventType, key: WebhookKey, extra: Record<string, unknown>): OutgoingEvent {
  const event: WebhookEvent = { id: randomUUID(), type, createdAt: new Date().toISOString(), data: { key, ...extra } };
  return { id: event.id, type, tenantId: key.owner.tenantId, body: JSON.stringify(event) };
}
