import { describe, expect, it } from 'vitest';
import { nextAttemptAfterFailure } from './webhook-sender.js';

describe('nextAttemptAfterFailure', () => {
  const created = new Date('2026-12-01T00:00:00Z');
  const after = (attempts: number, now: Date) => nextAttemptAfterFailure(created, attempts, now);
  const seconds = (attempts: number, now: Date) => (after(attempts, now)!.getTime() - now.getTime()) / 1000;

  it('backs off 10 s, 30 s, 2 min, 10 min, 1 h, then every 3 h', () => {
    const now = new Date(created.getTime() + 1000);
    expect([1, 2, 3, 4, 5, 6, 7, 12].map((n) => seconds(n, now))).toEqual([10, 30, 120, 600, 3600, 10_800, 10_800, 10_800]);
  });

  it('gives up once the next attempt would fall more than 24 hours after the event', () => {
    expect(after(9, new Date(created.getTime() + 20 * 3600_000))).not.toBeNull();
    expect(after(10, new Date(created.getTime() + 22 * 3600_000))).toBeNull();
  });
});
