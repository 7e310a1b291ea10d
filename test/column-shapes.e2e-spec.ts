import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { World, type TestUser } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

/** The JavaScript shape each stored column type must have, whichever database answers. */
function expectedShape(column: ColumnMetadata): (value: unknown) => boolean {
  if (column.isArray) return Array.isArray;
  switch (String(column.type)) {
    case 'bytea':
      return (v) => Buffer.isBuffer(v);
    case 'timestamptz':
    case 'timestamp':
    case 'date':
      return (v) => v instanceof Date && !Number.isNaN(v.getTime());
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'int':
    case 'integer':
    case 'smallint':
      return (v) => Number.isInteger(v);
    case 'jsonb':
    case 'json':
      return (v) => typeof v === 'object';
    default:
      return (v) => typeof v === 'string';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('every stored column has one shape on both databases', () => {
  let sut: TestApp;
  let world: World;
  let owner: TestUser;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    sut = await startTestApp({ AUTH_CACHE_MAX_AGE_SECONDS: '1', AUDIT_FLUSH_SECONDS: '1', LAST_USED_FLUSH_SECONDS: '1', WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOKS_POLL_MS: '50' });
    world = new World(sut);
    owner = await world.makeTenantAdmin();
    // a system-wide webhook whose deliveries succeed, and a tenant's whose receiver fails: delivered and pending rows
    const [answering, failing] = [await WebhookReceiver.start(), await WebhookReceiver.start()];
    failing.fallback = 500;
    receivers.push(answering, failing);
    const events = ['API_KEY_CREATED'];
    expect((await world.client.post('/api/webhooks', { url: answering.url, events }, { jwt: (await world.admin()).jwt })).status).toBe(201);
    expect((await world.client.post('/api/webhooks', { url: failing.url, events }, { jwt: owner.jwt })).status).toBe(201);
    await world.makeCustomerUser(owner);
    // a customer-level service account with a key: the accounts' columns, and a key's service_account_id
    const account = await world.makeServiceAccount(owner, { description: 'Gateway', customerId: await world.makeCustomer(owner) });
    // restrictions and metadata on it, so their columns hold values too
    const accountKey = await world.makeAccountKey(account.id, owner, { allowedCidrs: ['127.0.0.0/8'], rateLimit: { limit: 100, windowSeconds: 60 }, metadata: { device: 'fleet' } });
    // a rolled key names the key it replaced
    expect((await world.client.post(`/api/service-accounts/${account.id}/api-keys/${accountKey.id}/roll`, { overlapSeconds: 60 }, { jwt: owner.jwt })).status).toBe(201);
    const { key } = await world.makeKey(owner, { expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    // made with a key, so the audit trail names an acting key
    await world.makeKey(owner, {}, { key });
    const named = { email: `named-${Date.now()}@example.test`, password: 'password-1234', authority: 'TENANT_ADMIN', tenantId: owner.tenantId, firstName: 'Ada', lastName: 'Lovelace' };
    expect((await world.client.post('/api/users', named, { jwt: owner.jwt })).status).toBe(201);
    // a session refreshed, and one ended: every column of a session row holds a value somewhere
    const refreshed = await world.client.login(named.email, named.password);
    expect((await world.client.post('/api/auth/token', { refreshToken: refreshed.refreshToken })).status).toBe(200);
    const ended = await world.client.login(named.email, named.password);
    expect((await world.client.post('/api/auth/logout', undefined, { jwt: ended.token })).status).toBe(204);
    // a use (lastUsedAt) and a failure (an aggregated audit row) give every column a value to read
    expect((await world.client.get('/api/rights', { key })).status).toBe(200);
    expect((await world.client.get('/api/rights', { key: key.slice(0, -4) + 'AAAA' })).status).toBe(401);
  });
  afterAll(async () => {
    await sut?.close();
    for (const receiver of receivers) await receiver.close();
  });

  it('reads each entity column, set or not, as the entity declares it', async () => {
    // the last-used and audit flushes write within about a second
    await sleep(2500);
    const checked: string[] = [];
    for (const entity of sut.db.entityMetadatas) {
      const rows = await sut.db.getRepository(entity.target).find({ take: 50 });
      expect(rows.length, `no ${entity.tableName} row to check: make one in beforeAll`).toBeGreaterThan(0);
      for (const column of entity.columns) {
        const values = rows.map((row) => column.getEntityValue(row)).filter((v) => v !== null && v !== undefined);
        if (!column.isNullable) expect(values.length, `${entity.tableName}.${column.databaseName} is never null`).toBe(rows.length);
        expect(values.length, `no ${entity.tableName}.${column.databaseName} value to check: give one a value in beforeAll`).toBeGreaterThan(0);
        const shaped = expectedShape(column);
        for (const value of values) {
          expect(shaped(value), `${entity.tableName}.${column.databaseName} (${String(column.type)}) read as ${value?.constructor?.name}`).toBe(true);
        }
        checked.push(`${entity.tableName}.${column.databaseName}`);
      }
    }
    expect(checked).toContain('api_keys.secret_hash');
  });

  it('returns counts and bigints as strings, as pg does, never as BigInt', async () => {
    const [row] = await sut.db.query('SELECT count(*) AS n, 9007199254740993::int8 AS big, $1::bytea AS bytes', [Buffer.from([1, 2])]);
    expect(row).toEqual({ n: expect.any(String), big: '9007199254740993', bytes: Buffer.from([1, 2]) });
    expect(() => JSON.stringify(row)).not.toThrow();
  });

  it('keeps answering a key and a JWT read again after their cache entries aged out', async () => {
    const { key } = await world.makeKey(owner);
    // the 1 s age limit passes several times: each use after it reads the key and its user again
    for (let round = 0; round < 6; round++) {
      for (const as of [{ key }, { key, header: 'authorization' as const }, { jwt: owner.jwt }]) {
        expect((await world.client.get('/api/auth/user', as)).status).toBe(200);
      }
      await sleep(700);
    }
  });
});
