import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { runContained } from '../common/background.js';
import { AppConfig } from '../config/app-config.js';
import { ChangeFeed, type Change } from './change-feed.js';
import type { EmbeddedDatabase } from './embedded-pool.js';

export const CHANGES_CHANNEL = 'keygate_changes';
const RECONNECT_MS = [100, 250, 500, 1000, 2000];
/** A connection can die without an error (a half-open TCP link): it is asked to answer this often. */
const PROBE_MS = 2000;

/**
 * Relays the database's change notifications (see the ChangeNotifications migration) to this
 * instance's ChangeFeed, so a key revoked through another instance is refused here within
 * milliseconds. On the PostgreSQL server it holds one LISTEN connection of its own; when that
 * connection is lost, notifications may have been missed, so it tells the caches to forget
 * everything and to remember nothing new until it listens again.
 */
@Injectable()
export class DatabaseNotifications implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DatabaseNotifications');
  private client?: pg.Client;
  private schema = 'public';
  private stopped = false;
  private attempt = 0;
  private stopEmbedded?: () => Promise<void>;
  private probe?: NodeJS.Timeout;
  /** Change notifications received from the database, by kind, for /metrics. */
  readonly received = { apiKey: 0, user: 0, serviceAccount: 0, session: 0 };
  /** Times the notification connection was lost (each time the caches forgot everything). */
  connectionsLost = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly changes: ChangeFeed,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const [{ schema }] = (await this.dataSource.query('SELECT current_schema() AS schema')) as Array<{ schema: string }>;
    this.schema = schema;
    this.changes.live = false;
    const embedded = (this.dataSource.driver.options as { driver?: { embedded?: EmbeddedDatabase } }).driver?.embedded;
    if (embedded) {
      this.stopEmbedded = await embedded.db.listen(CHANGES_CHANNEL, (payload) => this.relay(payload));
      this.changes.live = true;
    } else {
      await this.listen();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.probe);
    await this.stopEmbedded?.().catch(() => undefined);
    await this.client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.config.DATABASE_URL,
      connectionTimeoutMillis: 5000,
      application_name: 'keygate-listener',
      keepAlive: true,
      query_timeout: PROBE_MS,
    });
    client.on('notification', (message) => this.relay(message.payload));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    // lost while connecting: lost() has already scheduled the next attempt
    if (this.client !== client) return;
    if (this.attempt > 0) this.logger.log('Listening for changes again');
    this.attempt = 0;
    // whatever changed while nobody listened is unknown: start from the database again
    this.changes.publish({ kind: 'reset' });
    this.changes.live = true;
    clearInterval(this.probe);
    this.probe = setInterval(() => {
      runContained(this.logger, 'Probing the notification connection', () => client.query('SELECT 1').catch((error: Error) => this.lost(client, error)));
    }, PROBE_MS);
    this.probe.unref();
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.client !== client || this.stopped) return;
    this.client = undefined;
    this.connectionsLost++;
    clearInterval(this.probe);
    this.changes.live = false;
    this.changes.publish({ kind: 'reset' });
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    const delay = RECONNECT_MS[Math.min(this.attempt++, RECONNECT_MS.length - 1)]!;
    if (this.attempt === 1) this.logger.warn(`Change notifications lost (${error?.message ?? 'connection ended'}); caches off until they are back`);
    setTimeout(() => runContained(this.logger, 'Listening for changes', () => this.listen()), delay).unref();
  }

  private relay(payload: string | undefined): void {
    let change: { schema?: unknown; kind?: unknown; id?: unknown };
    try {
      change = JSON.parse(payload ?? '') as typeof change;
    } catch {
      return;
    }
    if (change.schema !== this.schema || typeof change.id !== 'string') return;
    if (change.kind === 'apiKey' || change.kind === 'user' || change.kind === 'serviceAccount' || change.kind === 'session') {
      this.received[change.kind]++;
      this.changes.publish({ kind: change.kind, id: change.id } as Change);
    }
  }
}
