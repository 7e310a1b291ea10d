import { Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimiters } from '../../rate-limits/rate-limiters.js';
import { KeyRateLimitedException } from './key-rate-limited.exception.js';

type RateLimit = { limit: number; windowSeconds: number };

/** Uses of one key taken from the shared count, spent on this instance until its window ends. */
interface Lease {
  left: number;
  /** When the shared window ends (ms): the lease is void then. */
  endsAt: number;
  /** The shared count had nothing left: refused until the window ends. */
  exhausted: boolean;
  /** A lease is being taken: requests meanwhile wait for it instead of asking again. */
  pending?: Promise<void>;
}

const MAX_LEASES = 100_000;
const MAX_LEASE = 1000;

/**
 * How many uses an instance takes from the shared count at once: 1% of the limit (at most 1,000),
 * and 1 for limits up to 199, which are then counted exactly, one Redis round trip a use. A
 * lease is taken from Redis before it is spent, so the cluster never lets a key past its limit;
 * what a lease leaves unspent when its window ends is lost, so with N instances a key may be
 * refused up to N − 1 leases early.
 */
export function leaseSize(limit: number): number {
  return Math.max(1, Math.min(MAX_LEASE, Math.floor(limit / 100)));
}

/**
 * Keys' rate limits: counted in the RateLimiters' store (Redis for the whole cluster, else this
 * instance's memory) in leases, so that a key with a large limit costs a Redis round trip once
 * per lease, not per use. Answers synchronously while a lease lasts.
 */
@Injectable()
export class KeyRateLimits {
  private readonly leases = new Map<string, Lease>();
  /** One limiter per (limit, window): a key's count is in it under the key's id. */
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(private readonly rateLimiters: RateLimiters) {}

  /** Counts one use of the key; 429 past its limit. */
  use(keyId: string, rateLimit: RateLimit, now = Date.now()): KeyRateLimitedException | undefined | Promise<KeyRateLimitedException | undefined> {
    const id = `${keyId}/${rateLimit.limit}/${rateLimit.windowSeconds}`;
    const lease = this.leases.get(id);
    if (lease?.pending) return lease.pending.then(() => this.use(keyId, rateLimit));
    if (lease && now < lease.endsAt) {
      if (lease.left > 0) {
        lease.left--;
        return undefined;
      }
      if (lease.exhausted) return new KeyRateLimitedException(rateLimit, Math.max(1, Math.ceil((lease.endsAt - now) / 1000)));
    }
    return this.take(id, keyId, rateLimit);
  }

  private async take(id: string, keyId: string, rateLimit: RateLimit): Promise<KeyRateLimitedException | undefined> {
    const size = leaseSize(rateLimit.limit);
    const lease: Lease = { left: 0, endsAt: 0, exhausted: false };
    let settled!: () => void;
    lease.pending = new Promise((resolve) => (settled = resolve));
    this.remember(id, lease);
    try {
      const counted = await this.rateLimiters.count(this.limiterFor(rateLimit), keyId, size);
      // a lease the count could not wholly give: what was left of the limit before it
      const granted = Math.min(size, Math.max(0, rateLimit.limit - (counted.consumed - size)));
      lease.endsAt = Date.now() + counted.resetMs;
      if (granted === 0) {
        lease.exhausted = true;
        return new KeyRateLimitedException(rateLimit, counted.resetSeconds);
      }
      lease.left = granted - 1;
      return undefined;
    } finally {
      lease.pending = undefined;
      settled();
    }
  }

  private limiterFor(rateLimit: RateLimit): RateLimiterAbstract {
    const id = `${rateLimit.limit}/${rateLimit.windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (limiter === undefined) {
      // the window is in the name: a key whose window changes starts a new count
      limiter = this.rateLimiters.create(`key:${rateLimit.windowSeconds}:`, rateLimit.limit, rateLimit.windowSeconds);
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  private remember(id: string, lease: Lease): void {
    this.leases.delete(id);
    this.leases.set(id, lease);
    if (this.leases.size > MAX_LEASES) this.leases.delete(this.leases.keys().next().value as string);
  }
}
