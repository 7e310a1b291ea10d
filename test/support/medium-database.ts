import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { migrate } from '../../src/database/database.module.js';
import { EmbeddedDatabase } from '../../src/database/embedded-pool.js';
import { createTestDatabase, testEnv } from './test-app.js';

export interface MediumDatabase {
  db: DataSource;
  /** DATABASE_URL and DATABASE_SCHEMA on the server, DATA_DIR when embedded. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** A migrated database of the test's own, without the app: for the medium tier's services and repositories. */
export async function openMediumDatabase(): Promise<MediumDatabase> {
  const database = await createTestDatabase();
  const config = loadConfig(testEnv(database.env));
  const embedded = config.embedded ? await EmbeddedDatabase.openDataDir(config.DATA_DIR) : undefined;
  const db = await new DataSource(dataSourceOptions(config, embedded)).initialize();
  await migrate(db);
  return {
    db,
    env: database.env,
    close: async () => {
      await db.destroy();
      await embedded?.close();
      await database.drop();
    },
  };
}
