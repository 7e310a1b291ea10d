import { EventEmitter } from 'node:events';
import { PGlite, types } from '@electric-sql/pglite';
import { embeddedDatabaseDir, secureDataDir } from '../config/data-dir.js';

type Callback = (err: Error | null, result?: unknown) => void;

/**
 * Where PGlite's results differ from `pg`'s (checked for every column type keygate stores, and
 * count(*), in test/column-shapes.e2e-spec.ts): `bytea` is a Buffer, not a Uint8Array, and
 * `int8` a string, not a BigInt (which JSON cannot even serialise). Arrays of them follow.
 */
export const PG_COMPATIBLE_PARSERS = {
  [types.BYTEA]: (text: string) => Buffer.from(text.slice(2), 'hex'),
  [types.INT8]: (text: string) => text,
};

/** The part of a `pg` query result that TypeORM's postgres driver reads. */
interface PgLikeResult {
  rows: unknown[];
  rowCount: number;
  command: string;
}

/**
 * Lets TypeORM's postgres driver talk to an in-process PGlite as if it were `pg`'s Pool.
 *
 * PGlite is a single connection, so a "client" here is an exclusive lease on it: a transaction
 * holds the lease until TypeORM releases its query runner, and no other request's statement can
 * slip into it. (typeorm-pglite hands every caller the same connection at once, which lets one
 * request's ROLLBACK undo another's write, and it returns no row counts; hence this class.)
 */
export class EmbeddedDatabase {
  private lease: Promise<void> = Promise.resolve();

  private constructor(readonly db: PGlite) {}

  /** The database in DATA_DIR, as the server and the TypeORM CLI both open it; DATA_DIR made private first. */
  static async openDataDir(dataDir: string): Promise<EmbeddedDatabase> {
    secureDataDir(dataDir);
    const database = await EmbeddedDatabase.open(embeddedDatabaseDir(dataDir));
    // and what PGlite wrote while opening
    secureDataDir(dataDir);
    return database;
  }

  static async open(dataDir: string | undefined): Promise<EmbeddedDatabase> {
    const db = await PGlite.create(dataDir, {
      // the rest of the code sees what `pg` returns, whichever database answers
      parsers: PG_COMPATIBLE_PARSERS,
      // TypeORM may send booleans as 1/0 or "true"/"false"
      serializers: {
        [types.BOOL]: (value: unknown) =>
          value === true || value === 'true' || value === 1 ? 't' : value === false || value === 'false' || value === 0 ? 'f' : String(value),
      },
    });
    return new EmbeddedDatabase(db);
  }

  /** Waits for the connection, then holds it until `release` is called. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const granted = this.lease.then(() => release);
    this.lease = this.lease.then(() => released);
    return granted;
  }

  async query(sql: string, params?: unknown[]): Promise<PgLikeResult> {
    const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
    if (params && params.length > 0) {
      const result = await this.db.query(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length, command };
    }
    // without parameters a string may hold several statements; TypeORM wants the last result
    const results = await this.db.exec(sql);
    const last = results[results.length - 1];
    return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? last?.rows.length ?? 0, command };
  }

  /** The `driver` option for a TypeORM postgres DataSource. */
  asPgDriver(): { Pool: new () => EventEmitter; embedded: EmbeddedDatabase } {
    const database = this;
    class Client extends EventEmitter {
      constructor(private readonly releaseLease: () => void) {
        super();
      }
      query(sql: string, params?: unknown[] | Callback, callback?: Callback): Promise<PgLikeResult> {
        const cb = typeof params === 'function' ? params : callback;
        const values = typeof params === 'function' ? undefined : params;
        const pending = database.query(sql, values);
        if (cb) pending.then((r) => cb(null, r), (e: Error) => cb(e));
        return pending;
      }
      release(): void {
        this.releaseLease();
      }
    }
    class Pool extends EventEmitter {
      connect(callback: (err: Error | null, client?: Client, release?: () => void) => void): void {
        database.acquire().then(
          (releaseLease) => {
            const client = new Client(releaseLease);
            callback(null, client, () => client.release());
          },
          (err: Error) => callback(err),
        );
      }
      end(callback?: (err: Error | null) => void): void {
        callback?.(null);
      }
    }
    return { Pool, embedded: this };
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
