import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { runContained } from '../common/background.js';
import { AppConfig } from '../config/app-config.js';
import { WebhookEvents } from './webhook-events.js';

/**
 * Every WEBHOOKS_EXPIRY_SCAN_MS (30 s by default: well within the minute the contract allows), queues
 * `API_KEY_EXPIRING` for keys that crossed 30, 7 or 1 days before their expiry. Every instance
 * scans; the database lets one of them warn each key at each threshold.
 */
@Injectable()
export class KeyExpiryScan implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KeyExpiryScan');
  private timer?: NodeJS.Timeout;
  private scanning: Promise<void> | null = null;

  constructor(
    private readonly events: WebhookEvents,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => runContained(this.logger, 'Scanning keys for expiry warnings', () => this.scan()), this.config.WEBHOOKS_EXPIRY_SCAN_MS);
    this.timer.unref();
  }

  scan(): Promise<void> {
    this.scanning ??= this.events
      .warnExpiring()
      .then((warned) => {
        if (warned) this.logger.log(`Queued ${warned} key expiry warning(s)`);
      })
      .finally(() => (this.scanning = null));
    return this.scanning;
  }

  /** Stops scanning, and lets a scan in progress finish before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.scanning?.catch(() => undefined);
  }
}
