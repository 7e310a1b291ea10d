import { Logger } from '@nestjs/common';
import { runContained } from './background.js';

const logger = new Logger('BatchReader');

interface Waiting<V> {
  resolve: (value: V | undefined) => void;
  reject: (error: unknown) => void;
  promise: Promise<V | undefined>;
}

/** The most ids one read asks for. */
const MAX_IDS_PER_READ = 1000;
/** The most reads under way at once; ids asked for meanwhile wait, and go together in the next. */
const MAX_READS_IN_FLIGHT = 2;
/** How long a read may take before its callers are failed (as the database being unavailable) and its place freed. */
export const BATCH_READ_TIMEOUT_MS = 5000;

/** A read that did not answer in time: reported as the database being unavailable (a 503 for a credential). */
export class BatchReadTimeout extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(ms: number) {
    super(`The database did not answer a read within ${ms} ms`);
  }
}

/**
 * Reads rows by id, many in one query: the ids asked for within `delayMs` (0: within the same turn
 * of the event loop) are read together. A client coming back after a pause, or an instance that
 * just started, presents hundreds of keys at once; read one by one they would cost a query each,
 * on the CPU that serves the requests. While reads are under way, the ids asked for gather for
 * the next one, so batches grow with the load and add no wait when there is none. A read already
 * sent is never joined: an id asked for later gets a read that begins later, so it sees every
 * change committed before it was asked for.
 */
export class BatchReader<V extends { id: string }> {
  private waiting: Map<string, Waiting<V>> | null = null;
  private scheduled = false;
  private inFlight = 0;

  constructor(
    /** The rows of these ids as they are now; an id without a row is gone. */
    private readonly read: (ids: string[]) => Promise<V[]>,
    private readonly delayMs = 0,
    private readonly timeoutMs = BATCH_READ_TIMEOUT_MS,
  ) {}

  /** The row of this id, or undefined when there is none; rejects when the read fails. */
  load(id: string): Promise<V | undefined> {
    this.waiting ??= new Map();
    this.schedule();
    let entry = this.waiting.get(id);
    if (!entry) {
      let resolve!: Waiting<V>['resolve'];
      let reject!: Waiting<V>['reject'];
      const promise = new Promise<V | undefined>((yes, no) => ((resolve = yes), (reject = no)));
      entry = { resolve, reject, promise };
      this.waiting.set(id, entry);
    }
    return entry.promise;
  }

  /** A read of what waits, after the delay (or this turn of the event loop), once a read may start. */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_READS_IN_FLIGHT) return;
    this.scheduled = true;
    const flush = (): void => runContained(logger, 'Reading a batch', () => this.flush());
    if (this.delayMs > 0) setTimeout(flush, this.delayMs).unref();
    else setImmediate(flush);
  }

  private flush(): void {
    this.scheduled = false;
    if (this.waiting === null || this.inFlight >= MAX_READS_IN_FLIGHT) return;
    const waiting = [...this.waiting].slice(0, MAX_IDS_PER_READ);
    for (const [id] of waiting) this.waiting.delete(id);
    if (this.waiting.size === 0) this.waiting = null;
    else this.schedule();
    this.readTogether(waiting);
  }

  /**
   * One read for these ids. However it ends (rows, an error, a throw, or no answer within
   * `timeoutMs`: a connection hanging half-open), every caller is settled once and the
   * read's place is freed; a late answer is ignored.
   */
  private readTogether(waiting: Array<[string, Waiting<V>]>): void {
    this.inFlight++;
    let settled = false;
    const settle = (found: Map<string, V> | null, error?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      this.inFlight--;
      for (const [id, entry] of waiting) {
        if (found) entry.resolve(found.get(id));
        else entry.reject(error);
      }
      if (this.waiting !== null) this.schedule();
    };
    const deadline = setTimeout(() => settle(null, new BatchReadTimeout(this.timeoutMs)), this.timeoutMs);
    deadline.unref();
    // a read that throws at once, or answers with something other than rows, fails its callers like one that rejects
    new Promise<V[]>((resolve) => resolve(this.read(waiting.map(([id]) => id))))
      .then((rows) => new Map(rows.map((row) => [row.id, row])))
      .then(
        (found) => settle(found),
        (error: unknown) => settle(null, error),
      );
  }
}
