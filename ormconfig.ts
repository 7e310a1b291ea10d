// The data source the TypeORM CLI uses (`npm run migration:run`, `migration:generate`, ...).
// The app builds the same options through src/database/data-source-options.ts.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config.js';
import { dataSourceOptions } from './src/database/data-source-options.js';
import { EmbeddedDatabase } from './src/database/embedded-pool.js';

try {
  process.loadEnvFile();
} catch {
  // no .env file: the environment alone
}
const config = loadConfig(process.env);
const embedded = config.embedded ? await EmbeddedDatabase.openDataDir(config.DATA_DIR) : undefined;

export default new DataSource(dataSourceOptions(config, embedded));
