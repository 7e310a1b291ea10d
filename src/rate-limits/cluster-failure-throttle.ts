import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { FailureThrottle } from '../common/failure-throttle.js';
import type { RateLimiters } from './rate-limiters.js';

/**
 * A FailureThrottle whose failures also count for the whole cluster when Redis is set. Deciding
 * stays synchronous and local (the authenticator asks on its fast path): each failure is counted
 * here at once, and in Redis in the background; when Redis answers that the cluster is past the
 * limit, this instance blocks the key until Redis's window ends. So a key past the limit across
 * instances is refused by each instance from its next counted failure of that key on. Without
 * Redis (or while it is away) each instance counts alone, as FailureThrottle does.
 */
export class ClusterFailureThrottle {
  private readonly local: FailureThrottle;
  private readonly shared: RateLimiter | null;

  constructor(limiters: RateLimiters | null | undefined, name: string, limit: number, windowMs: number) {
    this.local = new FailureThrottle(limit, windowMs);
    this.shared = limiters && limit > 0 ? { limiters, limiter: limiters.create(`failures:${name}:`, limit, Math.ceil(windowMs / 1000)) } : null;
  }

  /** Seconds until `key` may try again; 0 when it is not blocked. */
  blockedFor(key: string, now = Date.now()): number {
    return this.local.blockedFor(key, now);
  }

  fail(key: string): void {
    this.local.fail(key);
    if (this.shared === null) return;
    // `count` never rejects: a Redis error is logged there and counts as nothing
    // none left: the cluster has seen `limit` failures, the point where FailureThrottle blocks too
    void this.shared.limiters.count(this.shared.limiter, key).then((counted) => {
      if (counted.remaining === 0) this.local.block(key, Date.now() + counted.resetSeconds * 1000);
    });
  }

  /** A success ends the key's failures, here and in Redis. */
  forget(key: string): void {
    this.local.forget(key);
    this.shared?.limiter.delete(key).catch(() => undefined);
  }
}

interface RateLimiter {
  limiters: RateLimiters;
  limiter: RateLimiterAbstract;
}
