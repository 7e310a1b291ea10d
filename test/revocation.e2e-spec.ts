import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeysService } from '../src/api-keys/api-keys.service.js';
import { UsersService } from '../src/users/users.service.js';
import { ChangeFeed, type Change } from '../src/database/change-feed.js';
import { Client, World, type TestUser } from './support/client.js';
import { createTestDatabase, startTestApp, type TestApp, type TestDatabase } from './support/test-app.js';

/** Resolves when `app` hears of a change matching `match` (its cache has then dropped it). */
function heard(app: TestApp, match: (change: Change) => boolean): Promise<void> {
  const feed = app.app.get(ChangeFeed);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no change notification within 5 s')), 5000);
    const stop = feed.subscribe((change) => {
      if (!match(change)) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

const warm = async (client: Client, key: string) => {
  for (let i = 0; i < 3; i++) expect((await client.get('/api/rights', { key })).status).toBe(200);
};

describe('revocation on one instance: refused on the very next request', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  let owner: TestUser;

  beforeAll(async () => {
    sut = await startTestApp();
    world = new World(sut);
    client = world.client;
    owner = await world.makeTenantAdmin();
  });
  afterAll(() => sut.close());

  it.each([
    ['disable', async (id: string) => client.patch(`/api/users/me/api-keys/${id}`, { enabled: false }, { jwt: owner.jwt })],
    ['delete', async (id: string) => client.delete(`/api/users/me/api-keys/${id}`, { jwt: owner.jwt })],
  ])('%s a cached key', async (_name, revoke) => {
    const { id, key } = await world.makeKey(owner);
    await warm(client, key);
    expect((await revoke(id)).status).toBeLessThan(300);
    expect((await client.get('/api/rights', { key })).status).toBe(401);
  });

  it('narrows a cached key at once when its rights change', async () => {
    const { id, key } = await world.makeKey(owner);
    await warm(client, key);
    await client.patch(`/api/users/me/api-keys/${id}`, { rights: ['RIGHT_USER_SETTINGS_BASIC'] }, { jwt: owner.jwt });
    expect((await client.get('/api/auth/user', { key })).body.missingRight).toBe('RIGHT_USER_INFO');
  });

  it.each(['disable', 'delete'])('%s the user of a cached key, and of a cached JWT', async (action) => {
    const admin = await world.admin();
    const user = await world.makeTenantAdmin();
    const { key } = await world.makeKey(user);
    await warm(client, key);
    expect((await client.get('/api/rights', { jwt: user.jwt })).status).toBe(200);
    const reply = action === 'disable'
      ? await client.patch(`/api/users/${user.id}`, { enabled: false }, { jwt: admin.jwt })
      : await client.delete(`/api/users/${user.id}`, { jwt: admin.jwt });
    expect(reply.status).toBeLessThan(300);
    expect((await client.get('/api/rights', { key })).status).toBe(401);
    expect((await client.get('/api/rights', { jwt: user.jwt })).status).toBe(401);
  });

  it('hears a change made directly in the database', async () => {
    const { id, key } = await world.makeKey(owner);
    await warm(client, key);
    const notified = heard(sut, (c) => c.kind === 'apiKey' && c.id === id);
    await sut.db.query('UPDATE api_keys SET enabled = false WHERE id = $1', [id]);
    await notified;
    expect((await client.get('/api/rights', { key })).status).toBe(401);
  });

  it('does not hear last-used writes (they would empty the cache every flush)', async () => {
    const { id, key } = await world.makeKey(owner);
    await warm(client, key);
    const changes: Change[] = [];
    const stop = sut.app.get(ChangeFeed).subscribe((c) => changes.push(c));
    await sut.db.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [id]);
    await sut.db.query(`UPDATE api_keys SET enabled = enabled WHERE id = $1`, [id]); // a write that is announced, as a marker
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop();
    expect(changes.filter((c) => c.kind === 'apiKey' && c.id === id)).toHaveLength(1);
  });

  it('reads remembered keys and users again from the database, many in one query', async () => {
    const [first, second] = [await world.makeKey(owner), await world.makeKey(owner)];
    await sut.db.query(`UPDATE api_keys SET enabled = false WHERE id = $1`, [second.id]);
    const keys = await sut.app.get(ApiKeysService).findManyForVerification([first.id, second.id, 'A'.repeat(39)]);
    expect(keys.map((k) => [k.id, k.enabled]).sort()).toEqual([[first.id, true], [second.id, false]].sort());
    const users = await sut.app.get(UsersService).findByIds([owner.id, 'not-a-uuid', randomUUID()]);
    expect(users.map((u) => u.id)).toEqual([owner.id]);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('revocation across two instances sharing one PostgreSQL', () => {
  let database: TestDatabase;
  let instanceA: TestApp;
  let instanceB: TestApp;
  let world: World;
  let clientB: Client;
  let owner: TestUser;

  beforeAll(async () => {
    database = await createTestDatabase();
    instanceA = await startTestApp({}, database);
    instanceB = await startTestApp({}, database);
    world = new World(instanceA);
    clientB = new Client(instanceB.url);
    owner = await world.makeTenantAdmin();
  });
  afterAll(async () => {
    await instanceA?.close();
    await instanceB?.close();
    await database?.drop();
  });

  it.each([
    ['disabled', async (id: string) => world.client.patch(`/api/users/me/api-keys/${id}`, { enabled: false }, { jwt: owner.jwt })],
    ['deleted', async (id: string) => world.client.delete(`/api/users/me/api-keys/${id}`, { jwt: owner.jwt })],
  ])('a key %s through A is refused by B once B hears of it', async (_name, revoke) => {
    const { id, key } = await world.makeKey(owner);
    await warm(clientB, key);
    const notified = heard(instanceB, (c) => c.kind === 'apiKey' && c.id === id);
    expect((await revoke(id)).status).toBeLessThan(300);
    await notified;
    expect((await clientB.get('/api/rights', { key })).status).toBe(401);
  });

  it("a user disabled through A: B refuses the user's keys and JWTs", async () => {
    const user = await world.makeTenantAdmin();
    const { key } = await world.makeKey(user);
    await warm(clientB, key);
    expect((await clientB.get('/api/rights', { jwt: user.jwt })).status).toBe(200);
    const notified = heard(instanceB, (c) => c.kind === 'user' && c.id === user.id);
    await world.client.patch(`/api/users/${user.id}`, { enabled: false }, { jwt: (await world.admin()).jwt });
    await notified;
    expect((await clientB.get('/api/rights', { key })).status).toBe(401);
    expect((await clientB.get('/api/rights', { jwt: user.jwt })).status).toBe(401);
  });

  it("a service account disabled through A: B refuses its keys, on its own routes, verify and forward-auth", async () => {
    const admin = await world.admin();
    const account = await world.makeServiceAccount(admin, { rights: ['RIGHT_KEYS_VERIFY'] });
    const { key } = await world.makeAccountKey(account.id, admin);
    const verifier = (await world.makeKey(admin, { rights: ['RIGHT_KEYS_VERIFY'] })).key;
    await warm(clientB, key);
    expect((await clientB.post('/api/keys/verify', { key }, { key: verifier })).body.code).toBe('VALID');
    const notified = heard(instanceB, (c) => c.kind === 'serviceAccount' && c.id === account.id);
    await world.client.patch(`/api/service-accounts/${account.id}`, { enabled: false }, { jwt: admin.jwt });
    await notified;
    expect((await clientB.get('/api/rights', { key })).status).toBe(401);
    expect((await clientB.post('/api/keys/verify', { key }, { key: verifier })).body.code).toBe('OWNER_DISABLED');
  });

  it('a lost notification connection empties the cache, and changes made meanwhile are seen', async () => {
    const { id, key } = await world.makeKey(owner);
    await warm(clientB, key);
    const reset = heard(instanceB, (c) => c.kind === 'reset');
    await instanceA.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'keygate-listener' AND pid <> pg_backend_pid()`,
    );
    await reset;
    // A's listener is down too: this change may never be announced to anyone
    await instanceA.db.query('UPDATE api_keys SET enabled = false WHERE id = $1', [id]);
    expect((await clientB.get('/api/rights', { key })).status).toBe(401);
  });
});
