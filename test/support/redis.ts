import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A Redis key prefix of this run's own, and a way to remove exactly what the run wrote. */
export function redisOfThisRun(): { env: Record<string, string>; flush: () => Promise<void> } {
  const prefix = `keygate-test-${randomBytes(6).toString('hex')}:`;
  return {
    env: { REDIS_URL, REDIS_KEY_PREFIX: prefix },
    flush: async () => {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}
