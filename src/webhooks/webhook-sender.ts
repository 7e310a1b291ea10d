import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { runContained } from '../common/background.js';
import { AppConfig } from '../config/app-config.js';
import type { DeliveryAttempt, DeliveryStatus } from './webhook-delivery.entity.js';
import { postOnce } from './webhook-post.js';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';
import { WebhooksRepository, type ClaimedDelivery } from './webhooks.repository.js';

/** Seconds to wait after the 1st, 2nd, … failed attempt; past the last, the last again. */
export const RETRY_DELAYS_SECONDS = [10, 30, 120, 600, 3600, 10_800] as const;
/** A delivery still failing this long after its event is given up (`FAILED`). */
export const GIVE_UP_AFTER_MS = 24 * 3600 * 1000;
/** Deliveries one instance sends at once: a hanging receiver holds one of them, never the others. */
export const MAX_IN_FLIGHT = 10;

/** What follows a failed attempt (the `attempts`-th): the next try's time, or null to give up. */
export function nextAttemptAfterFailure(createdAt: Date, attempts: number, now: Date): Date | null {
  const delay = RETRY_DELAYS_SECONDS[Math.min(attempts, RETRY_DELAYS_SECONDS.length) - 1] * 1000;
  const next = new Date(now.getTime() + delay);
  return next.getTime() - createdAt.getTime() > GIVE_UP_AFTER_MS ? null : next;
}

/**
 * Sends due deliveries, every WEBHOOKS_POLL_MS, at most MAX_IN_FLIGHT at a time per instance, each
 * attempt within WEBHOOKS_TIMEOUT_MS; what each attempt did is written to its row. Contained like
 * all background work: a failed poll is logged and the next one tries again. Deliveries live in the
 * database, so those pending at a stop are sent after the start.
 */
@Injectable()
export class WebhookSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookSender');
  private timer?: NodeJS.Timeout;
  private polling = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => runContained(this.logger, 'Sending webhook deliveries', () => this.poll()), this.config.WEBHOOKS_POLL_MS);
    this.timer.unref();
  }

  /** Claims as many due deliveries as there are free places and starts sending them. */
  async poll(): Promise<void> {
    if (this.polling || this.stopping.signal.aborted) return;
    this.polling = true;
    try {
      const free = MAX_IN_FLIGHT - this.inFlight.size;
      if (free <= 0) return;
      // the lease outlasts an attempt: nobody else takes the delivery while it is being sent
      const leaseSeconds = Math.ceil(this.config.WEBHOOKS_TIMEOUT_MS / 1000) + 30;
      for (const delivery of await this.webhooks.claimDue(free, leaseSeconds)) {
        const sending = this.deliver(delivery)
          .catch((error: Error) => this.logger.error(`Delivery ${delivery.id}: could not record its attempt: ${error.message}`, error.stack))
          .finally(() => this.inFlight.delete(sending));
        this.inFlight.add(sending);
      }
    } finally {
      this.polling = false;
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const started = new Date();
    const { signal, done } = this.attemptSignal();
    const outcome = await postOnce(
      delivery.url,
      delivery.body,
      {
        'Content-Type': 'application/json',
        'User-Agent': 'keygate-webhooks',
        'X-Keygate-Event': delivery.eventType,
        'X-Keygate-Delivery': delivery.id,
        [SIGNATURE_HEADER]: signatureHeader(delivery.secret, delivery.body, started),
      },
      { signal, allowPrivate: this.config.WEBHOOKS_ALLOW_PRIVATE_URLS },
    ).finally(done);
    const now = new Date();
    const attempt: DeliveryAttempt = { at: started.toISOString(), statusCode: outcome.statusCode, error: outcome.error, durationMs: now.getTime() - started.getTime() };
    let status: DeliveryStatus = 'DELIVERED';
    let next: Date | null = null;
    if (outcome.error !== null) {
      // an attempt cut short by a stop is due again at once, on whichever instance runs next
      next = this.stopping.signal.aborted ? now : nextAttemptAfterFailure(delivery.createdAt, delivery.attemptCount + 1, now);
      status = next ? 'PENDING' : 'FAILED';
      this.logger.warn(`Delivery ${delivery.id} (${delivery.eventType}) failed: ${outcome.error}; ${next ? `next attempt at ${next.toISOString()}` : 'given up'}`);
    }
    await this.webhooks.recordAttempt(delivery.id, attempt, status, next);
  }

  /**
   * What cuts one attempt short: its timeout, or the instance stopping. A controller of its own, let
   * go of when the attempt ends (`AbortSignal.any` would stay attached to the long-lived stopping signal,
   * and memory grew with every attempt).
   */
  private attemptSignal(): { signal: AbortSignal; done: () => void } {
    const attempt = new AbortController();
    const stop = () => attempt.abort(this.stopping.signal.reason);
    this.stopping.signal.addEventListener('abort', stop, { once: true });
    const timer = setTimeout(() => attempt.abort(new DOMException('The receiver did not answer in time', 'TimeoutError')), this.config.WEBHOOKS_TIMEOUT_MS);
    return {
      signal: attempt.signal,
      done: () => {
        clearTimeout(timer);
        this.stopping.signal.removeEventListener('abort', stop);
      },
    };
  }

  /** Stops polling and cuts attempts in progress short, recording them, before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight]);
  }
}
