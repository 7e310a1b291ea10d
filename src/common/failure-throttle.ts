/**
 * Counts failures per key (a client address, or an address and an account) in fixed windows.
 * Past `limit` failures a key is blocked until its window ends. Memory is bounded: the oldest
 * windows are dropped first. Each instance counts on its own (a limit per instance); ClusterFailureThrottle
 * adds a count in Redis for the whole cluster.
 */
export class FailureThrottle {
  private readonly windows = new Map<string, { failures: number; endsAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly capacity = 100_000,
  ) {}

  /** Seconds until `key` may try again; 0 when it is not blocked. */
  blockedFor(key: string, now = Date.now()): number {
    if (this.limit <= 0) return 0;
    const window = this.windows.get(key);
    if (!window) return 0;
    if (window.endsAt <= now) {
      this.windows.delete(key);
      return 0;
    }
    return window.failures >= this.limit ? Math.ceil((window.endsAt - now) / 1000) : 0;
  }

  fail(key: string, now = Date.now()): void {
    if (this.limit <= 0) return;
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      this.windows.delete(key);
      window = { failures: 0, endsAt: now + this.windowMs };
      this.windows.set(key, window);
      if (this.windows.size > this.capacity) this.windows.delete(this.windows.keys().next().value as string);
    }
    window.failures++;
  }

  /** Blocks `key` until `endsAt` (ms), as though it had failed `limit` times in a window ending then. */
  block(key: string, endsAt: number): void {
    if (this.limit <= 0) return;
    const window = this.windows.get(key);
    if (window && window.endsAt >= endsAt && window.failures >= this.limit) return;
    this.windows.delete(key);
    this.windows.set(key, { failures: this.limit, endsAt });
    if (this.windows.size > this.capacity) this.windows.delete(this.windows.keys().next().value as string);
  }

  forget(key: string): void {
    this.windows.delete(key);
  }
}
