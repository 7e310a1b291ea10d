import type { TestProject } from 'vitest/node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { migrate } from '../../src/database/database.module.js';
import { EmbeddedDatabase } from '../../src/database/embedded-pool.js';
import { embeddedDatabaseDir } from '../../src/config/data-dir.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated embedded database that each e2e file copies, instead of paying initdb (~4 s) per file. */
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'keygate-template-'));
  if (!process.env.DATABASE_URL) {
    const embedded = await EmbeddedDatabase.openDataDir(dir);
    const dataSource = await new DataSource(dataSourceOptions(loadConfig({}), embedded)).initialize();
    await migrate(dataSource);
    await dataSource.destroy();
    await embedded.close();
  }
  project.provide('pgTemplate', embeddedDatabaseDir(dir));
  return () => rmSync(dir, { recursive: true, force: true });
}
