import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { RateLimiters } from '../../rate-limits/rate-limiters.js';
import type { RedisConnection } from '../../rate-limits/redis-connection.js';
import { KeyRateLimits, leaseSize } from './key-rate-limits.js';

/** Limiters in memory, one per name, shared by every KeyRateLimits made with it: a cluster's shared store, in one process. */
function sharedStore(): RateLimiters {
  const made = new Map<string, RateLimiterAbstract>();
  const limiters = new RateLimiters({ keyPrefix: 't:', client: null, reportError: () => undefined } as unknown as RedisConnection);
  limiters.create = (name, points, duration) => {
    const id = `${name}${points}/${duration}`;
    if (!made.has(id)) made.set(id, new RateLimiterMemory({ points, duration, keyPrefix: name }));
    return made.get(id)!;
  };
  return limiters;
}

async function uses(sut: KeyRateLimits, keyId: string, rateLimit: { limit: number; windowSeconds: number }, n: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < n; i++) if ((await sut.use(keyId, rateLimit)) === undefined) allowed++;
  return allowed;
}

describe('KeyRateLimits', () => {
  it('leases 1% of a limit, at most 1,000, and 1 up to 199: small limits are counted exactly', () => {
    expect([1, 6, 199, 200, 1000, 1_000_000].map(leaseSize)).toEqual([1, 1, 1, 2, 10, 1000]);
  });

  it('lets a small limit through exactly, across two instances', async () => {
    const store = sharedStore();
    const [a, b] = [new KeyRateLimits(store), new KeyRateLimits(store)];
    const limit = { limit: 6, windowSeconds: 60 };
    let allowed = 0;
    for (let i = 0; i < 12; i++) if ((await (i % 2 ? b : a).use('K', limit)) === undefined) allowed++;
    expect(allowed).toBe(6);
    const refused = await a.use('K', limit);
    expect(refused?.responseHeaders).toEqual({ 'RateLimit-Policy': '"key";q=6;w=60', RateLimit: expect.stringMatching(/^"key";r=0;t=\d+$/) });
  });

  it('never lets a large limit past it across instances, and refuses at most a lease early per other instance', async () => {
    const store = sharedStore();
    const [a, b] = [new KeyRateLimits(store), new KeyRateLimits(store)];
    const limit = { limit: 1000, windowSeconds: 60 };
    let allowed = 0;
    for (let i = 0; i < 1100; i++) allowed += (await uses(i % 2 ? b : a, 'K', limit, 1));
    expect(allowed).toBeLessThanOrEqual(1000);
    expect(allowed).toBeGreaterThanOrEqual(1000 - leaseSize(1000));
  });

  it('answers without a promise while a lease lasts', async () => {
    const sut = new KeyRateLimits(sharedStore());
    const limit = { limit: 100_000, windowSeconds: 60 };
    await sut.use('K', limit);
    expect(sut.use('K', limit)).toBeUndefined();
  });

  it('requests arriving while a lease is taken wait for it instead of taking their own', async () => {
    const store = sharedStore();
    const sut = new KeyRateLimits(store);
    const limit = { limit: 1000, windowSeconds: 60 };
    await Promise.all(Array.from({ length: 10 }, () => sut.use('K', limit)));
    // one lease of 10 served all ten: another instance still finds 990 left
    expect(await uses(new KeyRateLimits(store), 'K', limit, 1000)).toBe(990);
  });
});
