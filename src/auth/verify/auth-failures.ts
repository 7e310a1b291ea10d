import { Injectable, Logger, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AuditAction } from '../../audit/audit-event.entity.js';
import { AuditService, type AuditRecord } from '../../audit/audit.service.js';
import { AppConfig } from '../../config/app-config.js';
import { runContained } from '../../common/background.js';
import { ClusterFailureThrottle } from '../../rate-limits/cluster-failure-throttle.js';
import { RateLimiters } from '../../rate-limits/rate-limiters.js';
import type { OwnerType } from '../../rights/principal.js';

/** The key a failed attempt named, when it named one that exists. */
export interface KeyFailure {
  apiKeyId: string;
  ownerType: OwnerType;
  ownerId: string;
  tenantId: string | null;
}

/** What a failure counts against: the existing key it named, else the client address (one throttle holds both). */
const scopeOf = (clientIp: string, key: KeyFailure | undefined) => (key ? `key:${key.apiKeyId}` : clientIp);

type Pending = AuditRecord & { count: number };

const MAX_PENDING = 10_000;

/**
 * Failed credential checks: limited per client address, or per key when the attempt named an
 * existing key (past the limit, failing attempts get 429 without touching the database; behind a
 * gateway, where every client shares an address, a client's disabled key then refuses nobody else), written to the audit trail aggregated per key, address and
 * reason every AUDIT_FLUSH_SECONDS, and logged as one summary line a minute rather than a line
 * per failure, so a flood cannot flood the log. With REDIS_URL the failures also count for the
 * whole cluster (ClusterFailureThrottle says how a block there reaches this instance).
 */
@Injectable()
export class AuthFailures implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AuthFailures');
  private readonly throttle: ClusterFailureThrottle;
  /** Failures not yet written, by key id, address and reason. */
  private pending = new Map<string, Map<string, Map<string, Pending>>>();
  private pendingCount = 0;
  private minute = { failures: 0, addresses: new Set<string>() };
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @Optional() limiters?: RateLimiters,
  ) {
    this.throttle = new ClusterFailureThrottle(limiters, 'auth', config.AUTH_MAX_FAILURES_PER_MINUTE, 60_000);
  }

  onModuleInit(): void {
    this.timers = [
      setInterval(() => runContained(this.logger, 'Writing authentication failures to the audit trail', () => this.flush()), this.config.AUDIT_FLUSH_SECONDS * 1000),
      setInterval(() => runContained(this.logger, 'Summarising authentication failures', () => this.summarise()), 60_000),
    ];
    this.timers.forEach((t) => t.unref());
  }

  /** Seconds before a failure of this address, or naming this existing key, is checked again; 0 when it may be. */
  blockedFor(clientIp: string, key?: KeyFailure): number {
    return this.throttle.blockedFor(scopeOf(clientIp, key));
  }

  /**
   * Counts a failure against the key it named, if that key exists, else the address (`counted: false`:
   * against neither); `audit` (API key failures only) also puts it on the audit trail, under that key.
   */
  record(clientIp: string, reason: string, audit?: { key?: KeyFailure; counted?: boolean }): void {
    if (audit?.counted !== false) this.throttle.fail(scopeOf(clientIp, audit?.key));
    this.minute.failures++;
    if (this.minute.addresses.size < 10_000) this.minute.addresses.add(clientIp);
    if (!audit) return;
    const { key } = audit;
    // keyed by the strings as they come (each hashed once by V8), not by a string built per failure
    const byAddress = this.pendingFor(key?.apiKeyId ?? '', clientIp);
    const entry = byAddress?.get(reason);
    if (entry) entry.count++;
    else if (byAddress && this.pendingCount < MAX_PENDING) {
      this.pendingCount++;
      byAddress.set(reason, {
        action: AuditAction.API_KEY_AUTH_FAILED,
        apiKeyId: key?.apiKeyId ?? null,
        targetUserId: key?.ownerType === 'user' ? key.ownerId : null,
        tenantId: key?.tenantId ?? null,
        clientIp,
        count: 1,
        details: { reason },
      });
    }
  }

  /** The pending failures of a key ('' for none) from an address, by reason; undefined when too many are pending. */
  private pendingFor(apiKeyId: string, clientIp: string): Map<string, Pending> | undefined {
    let byIp = this.pending.get(apiKeyId);
    if (!byIp) {
      if (this.pendingCount >= MAX_PENDING) return undefined;
      this.pending.set(apiKeyId, (byIp = new Map()));
    }
    let byReason = byIp.get(clientIp);
    if (!byReason) {
      if (this.pendingCount >= MAX_PENDING) return undefined;
      byIp.set(clientIp, (byReason = new Map()));
    }
    return byReason;
  }

  async flush(): Promise<void> {
    if (this.pendingCount === 0) return;
    const batch = [...this.pending.values()].flatMap((byIp) => [...byIp.values()].flatMap((byReason) => [...byReason.values()]));
    this.pending = new Map();
    this.pendingCount = 0;
    await this.audit.record(...batch);
  }

  private summarise(): void {
    const { failures, addresses } = this.minute;
    this.minute = { failures: 0, addresses: new Set() };
    if (failures > 0) this.logger.warn(`${failures} failed credential checks from ${addresses.size} address(es) in the last minute`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.timers.forEach(clearInterval);
    await this.flush();
  }
}
