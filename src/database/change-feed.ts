import { Injectable, Logger } from '@nestjs/common';
import { runContained } from '../common/background.js';

/** A row whose change may revoke credentials: a user or service account (disabled, deleted), an API key, or a session (ended). */
export type Change = { kind: 'user' | 'serviceAccount' | 'apiKey' | 'session'; id: string } | { kind: 'reset' };

export type ChangeListener = (change: Change) => void;

/**
 * Tells the caches in this process that a user or key changed. Services publish right after
 * their write commits, so this instance refuses a revoked credential on the very next request;
 * changes made by other instances arrive through the database (see DatabaseNotifications).
 */
@Injectable()
export class ChangeFeed {
  private readonly logger = new Logger('ChangeFeed');
  private readonly listeners = new Set<ChangeListener>();

  /**
   * Whether changes made elsewhere reach this feed now. While false (notifications not yet or no
   * longer listened to), caches must not remember anything they could not later hear revoked.
   */
  live = false;

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A listener that fails on a change is told to forget everything instead: what it holds fails closed. */
  publish(change: Change): void {
    for (const listener of this.listeners) {
      runContained(this.logger, `Applying a ${change.kind} change`, () => listener(change), () => listener({ kind: 'reset' }));
    }
  }
}
