import { Global, Logger, Module, type OnApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { ChangeFeed } from './change-feed.js';
import { DatabaseNotifications } from './database-notifications.js';
import { dataSourceOptions } from './data-source-options.js';
import { EmbeddedDatabase } from './embedded-pool.js';

/** Any number, the same for every instance: it serialises concurrent migration runs. */
const MIGRATION_LOCK = 7_411_302;

@Injectable()
class EmbeddedDatabaseHolder implements OnApplicationShutdown {
  database?: EmbeddedDatabase;

  constructor(private readonly config: AppConfig) {}

  async open(): Promise<EmbeddedDatabase | undefined> {
    if (!this.config.embedded) return undefined;
    if (!this.database) {
      this.database = await EmbeddedDatabase.openDataDir(this.config.DATA_DIR);
    }
    return this.database;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database?.close();
    this.database = undefined;
  }
}

@Module({ providers: [EmbeddedDatabaseHolder], exports: [EmbeddedDatabaseHolder] })
class EmbeddedDatabaseModule {}

/** Runs the pending migrations; instances starting together take turns through an advisory lock. */
export async function migrate(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    if (!(dataSource.options as { driver?: unknown }).driver) {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    }
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length) new Logger('Database').log(`Applied migrations: ${applied.map((m) => m.name).join(', ')}`);
  } finally {
    if (!(dataSource.options as { driver?: unknown }).driver) {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
    await runner.release();
  }
}

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [EmbeddedDatabaseModule],
      inject: [AppConfig, EmbeddedDatabaseHolder],
      useFactory: async (config: AppConfig, holder: EmbeddedDatabaseHolder) =>
        dataSourceOptions(config, await holder.open()),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await migrate(dataSource);
        return dataSource;
      },
    }),
  ],
  providers: [ChangeFeed, DatabaseNotifications],
  exports: [ChangeFeed, DatabaseNotifications],
})
export class DatabaseModule {}
