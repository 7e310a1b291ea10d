import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import { DataSource } from 'typeorm';
import { AuthCache } from '../auth/cache/auth-cache.js';
import { VERIFICATION_METHODS, VERIFICATION_OUTCOMES, VerificationMetrics } from '../auth/verify/verification-metrics.js';
import { ChangeFeed } from '../database/change-feed.js';
import { DatabaseNotifications } from '../database/database-notifications.js';
import { RouteDurations } from './route-durations.js';

/**
 * The Prometheus registry `GET /metrics` answers from. The request path only adds to plain numbers
 * (VerificationMetrics, the AuthCache's lookups, RouteDurations); prom-client reads them when
 * scraped, through each metric's `collect`, and adds its default process and Node.js metrics.
 */
@Injectable()
export class KeygateMetrics {
  readonly registry = new Registry();

  constructor(verifications: VerificationMetrics, cache: AuthCache, notifications: DatabaseNotifications, changes: ChangeFeed, dataSource: DataSource, durations: RouteDurations) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    new Counter({
      name: 'keygate_verifications_total',
      help: 'Credential decisions by the deciding method (jwt, apiKey; none: no usable credential) and outcome (accepted, refused_<reason class>, rate_limited, unavailable)',
      labelNames: ['method', 'outcome'] as const,
      registers,
      collect() {
        this.reset();
        VERIFICATION_METHODS.forEach((method, m) =>
          VERIFICATION_OUTCOMES.forEach((outcome, o) => this.inc({ method, outcome }, verifications.counts[m * VERIFICATION_OUTCOMES.length + o]!)),
        );
      },
    });

    new Gauge({
      name: 'keygate_auth_cache_entries',
      help: "Entries in this instance's AuthCache, by kind",
      labelNames: ['kind'] as const,
      registers,
      collect() {
        for (const [kind, size] of Object.entries(cache.entries())) this.set({ kind }, size);
      },
    });
    const lookups = (result: 'hits' | 'misses', help: string) =>
      new Counter({
        name: `keygate_auth_cache_${result}_total`,
        help,
        labelNames: ['kind'] as const,
        registers,
        collect() {
          this.reset();
          this.inc({ kind: 'key' }, result === 'hits' ? cache.lookups.keyHits : cache.lookups.keyMisses);
          this.inc({ kind: 'jwt' }, result === 'hits' ? cache.lookups.jwtHits : cache.lookups.jwtMisses);
        },
      });
    lookups('hits', 'Credentials decided from memory, by kind');
    lookups('misses', 'Credentials memory could not vouch for (looked up, or refused unseen), by kind');

    new Counter({
      name: 'keygate_change_notifications_total',
      help: 'Change notifications received from the database (LISTEN keygate_changes), by kind',
      labelNames: ['kind'] as const,
      registers,
      collect() {
        this.reset();
        for (const [kind, count] of Object.entries(notifications.received)) this.inc({ kind }, count);
      },
    });
    new Counter({
      name: 'keygate_change_notifications_lost_total',
      help: 'Times the notification connection was lost (each time the caches forgot everything)',
      registers,
      collect() {
        this.reset();
        this.inc(notifications.connectionsLost);
      },
    });
    new Gauge({
      name: 'keygate_change_notifications_up',
      help: '1 while change notifications are heard (caches on), 0 while they are not',
      registers,
      collect() {
        this.set(changes.live ? 1 : 0);
      },
    });

    const pool = (dataSource.driver as unknown as { master?: Partial<pg.Pool> }).master;
    // the PostgreSQL server's pg.Pool; the embedded database is one connection, with no pool to show
    if (typeof pool?.totalCount === 'number') {
      new Gauge({
        name: 'keygate_db_pool_connections',
        help: 'Connections in the database pool, by state (total, idle; busy is total − idle)',
        labelNames: ['state'] as const,
        registers,
        collect() {
          this.set({ state: 'total' }, pool.totalCount!);
          this.set({ state: 'idle' }, pool.idleCount!);
        },
      });
      new Gauge({
        name: 'keygate_db_pool_waiting',
        help: 'Queries waiting for a pool connection',
        registers,
        collect() {
          this.set(pool.waitingCount!);
        },
      });
      new Gauge({ name: 'keygate_db_pool_max', help: 'The most connections the pool opens', registers }).set(
        (pool as { options?: { max?: number } }).options?.max ?? 0,
      );
    }

    this.registry.registerMetric(durations as unknown as Metric);
  }
}
