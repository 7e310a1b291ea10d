import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { inject } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/app-config.js';
import { embeddedDatabaseDir } from '../../src/config/data-dir.js';

/** The access policy of the platform tests: the contract's example (telemetry and devices). */
export const ACCESS_POLICY_FIXTURE = fileURLToPath(new URL('../fixtures/access-policy.json', import.meta.url));

export const ADMIN_EMAIL = 'admin@keygate.test';
export const ADMIN_PASSWORD = 'admin-password-1';

export interface TestApp {
  url: string;
  app: NestFastifyApplication;
  /** The app's own data source: for asserting what the database holds. */
  db: DataSource;
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface TestDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A database of the test's own: a fresh schema on the PostgreSQL server when DATABASE_URL is set
 * (as in CI), otherwise a copy of the migrated embedded template.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const schema = `kg_test_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    return {
      env: { DATABASE_URL: url, DATABASE_SCHEMA: schema },
      drop: async () => {
        const dropper = new pg.Client({ connectionString: url });
        await dropper.connect();
        await dropper.query(`DROP SCHEMA ${schema} CASCADE`);
        await dropper.end();
      },
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'keygate-test-'));
  cpSync(inject('pgTemplate'), embeddedDatabaseDir(dataDir), { recursive: true });
  return { env: { DATA_DIR: dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
    API_KEY_HASH_SECRET: 'test-key-hash-secret-0123456789abcdef012345',
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'error',
    ...overrides,
  };
}

/** Boots the real app over HTTP on a database of its own, migrations run first. */
export async function startTestApp(overrides: Record<string, string> = {}, database?: TestDatabase): Promise<TestApp> {
  const ownDatabase = database ?? (await createTestDatabase());
  const env = testEnv({ ...ownDatabase.env, ...overrides });
  // the log through process.stdout (not pino's own file descriptor writes), where captureOutput hears it
  const app = await createApp(loadConfig(env), { logDestination: process.stdout });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    db: app.get(DataSource),
    env,
    close: async () => {
      await app.close();
      if (!database) await ownDatabase.drop();
    },
  };
}
