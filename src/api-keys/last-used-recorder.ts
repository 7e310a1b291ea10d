import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { runContained } from '../common/background.js';
import { AppConfig } from '../config/app-config.js';
import { ApiKeysRepository } from './api-keys.repository.js';

/**
 * Coalesces `lastUsedAt`: a use is a map entry in memory, and every LAST_USED_FLUSH_SECONDS one
 * UPDATE writes the latest time of every key used since, instead of a write per request.
 */
@Injectable()
export class LastUsedRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LastUsedRecorder');
  private pending = new Map<string, Date>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => runContained(this.logger, 'Writing last-used times', () => this.flush()), this.config.LAST_USED_FLUSH_SECONDS * 1000);
    this.timer.unref();
  }

  record(keyId: string, at: number): void {
    const previous = this.pending.get(keyId);
    // one Date per key per flush period
    if (!previous || at - previous.getTime() >= 1000) this.pending.set(keyId, new Date(at));
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.keys.recordLastUsed(batch);
    } catch (error) {
      // keep the times for the next flush rather than lose them
      for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
      this.logger.warn(`Could not write last-used times (${batch.size} keys): ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
