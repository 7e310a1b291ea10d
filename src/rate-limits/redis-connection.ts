import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';

/** At most one log line about Redis errors in this long (ms); the others are counted into it. */
const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * The one connection to Redis (REDIS_URL), where the rate limits and failure limits of every
 * instance count together; null without REDIS_URL. Nothing waits for it: a command while it is
 * away fails at once (no offline queue), and the limiters then count in memory until it is back.
 * Its errors are logged at most once every 30 s, never thrown at a request.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client: Redis | null;
  /** Put before every key keygate writes, so several deployments (or test runs) can share one Redis. */
  readonly keyPrefix: string;
  private lastLoggedAt = 0;
  private unlogged = 0;

  constructor(config: AppConfig) {
    this.keyPrefix = config.REDIS_KEY_PREFIX;
    this.client = config.REDIS_URL
      ? new Redis(config.REDIS_URL, {
          enableOfflineQueue: false,
          // commands of the same tick leave in one write: under load, one syscall for many requests' counts
          enableAutoPipelining: true,
          maxRetriesPerRequest: 1,
          commandTimeout: 1000,
          connectTimeout: 2000,
          retryStrategy: (times) => Math.min(times * 250, 5000),
        })
      : null;
    this.client?.on('error', (error: Error) => this.reportError('Redis connection', error));
    this.client?.on('ready', () => this.logger.log('Connected: rate and failure limits count in Redis'));
  }

  /** Where limits are counted: in Redis for the whole cluster, or in this instance's memory alone. */
  get store(): 'redis' | 'local' {
    return this.client ? 'redis' : 'local';
  }

  /** Whether Redis answers now; false without REDIS_URL. */
  get ready(): boolean {
    return this.client?.status === 'ready';
  }

  /** Logs a Redis error, at most one line every 30 s however many there are. */
  reportError(doing: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastLoggedAt < ERROR_LOG_INTERVAL_MS) {
      this.unlogged++;
      return;
    }
    const more = this.unlogged ? ` (and ${this.unlogged} more Redis errors since the last line)` : '';
    this.lastLoggedAt = now;
    this.unlogged = 0;
    this.logger.warn(`${doing} failed: ${(error as Error)?.message ?? String(error)}; limits count in this instance's memory meanwhile${more}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.client) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
