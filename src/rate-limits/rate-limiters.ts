import { Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RedisConnection } from './redis-connection.js';

/** What counting one use said: allowed or not, what is left, and when the window ends. */
export interface Counted {
  allowed: boolean;
  remaining: number;
  /** Points counted in the window so far, these included. */
  consumed: number;
  /** Milliseconds until the window ends. */
  resetMs: number;
  /** Seconds until the window ends (at least 1). */
  resetSeconds: number;
}

/**
 * Makes the limiters of rate-limiter-flexible: in Redis when REDIS_URL is set, insured by one in
 * memory that counts while Redis is away (and Redis takes over again by itself when it is back);
 * in memory alone without it. `count` never rejects: a store error is logged and the use allowed.
 */
@Injectable()
export class RateLimiters {
  constructor(private readonly redis: RedisConnection) {}

  /** A limiter of `points` per `durationSeconds`, its keys under `name`. */
  create(name: string, points: number, durationSeconds: number): RateLimiterAbstract {
    const options = { points, duration: durationSeconds, keyPrefix: `${this.redis.keyPrefix}${name}` };
    if (!this.redis.client) return new RateLimiterMemory(options);
    return new RateLimiterRedis({
      ...options,
      storeClient: this.redis.client,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  }

  /** Counts `points` uses of `key`. */
  async count(limiter: RateLimiterAbstract, key: string, points = 1): Promise<Counted> {
    try {
      return counted(true, await limiter.consume(key, points));
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return counted(false, outcome);
      this.redis.reportError('Counting a use', outcome);
      return { allowed: true, remaining: points, consumed: points, resetMs: 1000, resetSeconds: 1 };
    }
  }
}

function counted(allowed: boolean, res: RateLimiterRes): Counted {
  return {
    allowed,
    remaining: Math.max(0, res.remainingPoints),
    consumed: res.consumedPoints,
    resetMs: Math.max(0, res.msBeforeNext),
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  };
}
