import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, World, type TestUser } from './support/client.js';
import { ACCESS_POLICY_FIXTURE, startTestApp, type TestApp } from './support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('rolling a key without downtime: POST …/api-keys/{keyId}/roll', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  let owner: TestUser;

  beforeAll(async () => {
    sut = await startTestApp({ ACCESS_POLICY_FILE: ACCESS_POLICY_FIXTURE });
    world = new World(sut);
    client = world.client;
    owner = await world.makeTenantAdmin();
  });
  afterAll(() => sut.close());

  it('gives a new key with the same description, rights and expiry, while the old one works for the overlap, then is refused as expired', async () => {
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const old = await world.makeKey(owner, { description: 'Production server', rights: ['RIGHT_USER_INFO', 'RIGHT_TELEMETRY_READ'], expiresAt });
    const rolled = await client.post(`/api/users/me/api-keys/${old.id}/roll`, { overlapSeconds: 2 }, { jwt: owner.jwt });
    expect(rolled.status).toBe(201);
    expect(rolled.headers.get('cache-control')).toBe('no-store');
    expect(rolled.body).toMatchObject({
      description: 'Production server',
      rights: ['RIGHT_USER_INFO', 'RIGHT_TELEMETRY_READ'],
      expiresAt,
      rolledFromId: old.id,
      status: 'ACTIVE',
      key: expect.stringMatching(/^NNSXS\./),
    });
    expect(rolled.body.id).not.toBe(old.id);
    expect((await client.get('/api/auth/user', { key: rolled.body.key })).status).toBe(200);
    expect((await client.get('/api/auth/user', { key: old.key })).status).toBe(200);
    const [row] = await sut.db.query('SELECT expires_at FROM api_keys WHERE id = $1', [old.id]);
    expect(row.expires_at.getTime()).toBeLessThanOrEqual(Date.now() + 2000);
    await sleep(2100);
    expect(await client.get('/api/auth/user', { key: old.key })).toMatchObject({ status: 401, body: { message: 'API key has expired' } });
    expect((await client.get('/api/auth/user', { key: rolled.body.key })).status).toBe(200);
    const events = (await client.get(`/api/users/me/api-keys/${old.id}/events`, { jwt: owner.jwt })).body.data;
    expect(events[0]).toMatchObject({ action: 'API_KEY_ROLLED', details: { newKeyId: rolled.body.id, overlapSeconds: 2 } });
    const created = (await client.get(`/api/users/me/api-keys/${rolled.body.id}/events`, { jwt: owner.jwt })).body.data;
    expect(created).toEqual([expect.objectContaining({ action: 'API_KEY_CREATED', details: expect.objectContaining({ rolledFromId: old.id }) })]);
  });

  it('ends the old key at once by default, and never later than its own expiry', async () => {
    const old = await world.makeKey(owner);
    await client.get('/api/auth/user', { key: old.key });
    const rolled = await client.post(`/api/users/me/api-keys/${old.id}/roll`, {}, { jwt: owner.jwt });
    expect(rolled.status).toBe(201);
    expect((await client.get('/api/auth/user', { key: old.key })).status).toBe(401);
    const soon = new Date(Date.now() + 60_000).toISOString();
    const short = await world.makeKey(owner, { expiresAt: soon });
    await client.post(`/api/users/me/api-keys/${short.id}/roll`, { overlapSeconds: 86_400 }, { jwt: owner.jwt });
    expect((await client.get(`/api/users/me/api-keys/${short.id}`, { jwt: owner.jwt })).body.expiresAt).toBe(soon);
  });

  it("rolls a service account's key the same way", async () => {
    const account = await world.makeServiceAccount(owner, { rights: ['RIGHT_TELEMETRY_READ'] });
    const old = await world.makeAccountKey(account.id, owner);
    const rolled = await client.post(`/api/service-accounts/${account.id}/api-keys/${old.id}/roll`, { overlapSeconds: 60 }, { jwt: owner.jwt });
    expect(rolled).toMatchObject({ status: 201, body: { ownerType: 'serviceAccount', ownerId: account.id, rolledFromId: old.id } });
    const asked = (key: string) => ({ headers: { Authorization: `Bearer ${key}`, 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': '/v1/telemetry/x' } });
    for (const key of [old.key, rolled.body.key]) expect((await client.call('GET', '/api/forward-auth', asked(key))).status).toBe(200);
  });

  it('refuses what a roll must not do', async () => {
    const old = await world.makeKey(owner);
    for (const overlapSeconds of [-1, 2_592_001, 1.5, '3600']) {
      expect((await client.post(`/api/users/me/api-keys/${old.id}/roll`, { overlapSeconds }, { jwt: owner.jwt })).status).toBe(400);
    }
    await client.patch(`/api/users/me/api-keys/${old.id}`, { enabled: false }, { jwt: owner.jwt });
    expect(await client.post(`/api/users/me/api-keys/${old.id}/roll`, {}, { jwt: owner.jwt })).toMatchObject({ status: 409, body: { statusCode: 409 } });
    // a narrow key cannot roll a wider one into existence
    const wide = await world.makeKey(owner, { rights: ['RIGHT_USER_INFO', 'RIGHT_USER_USERS_READ'] });
    const narrow = await world.makeKey(owner, { rights: ['RIGHT_USER_SETTINGS_API_KEYS', 'RIGHT_USER_INFO'] });
    expect(await client.post(`/api/users/me/api-keys/${wide.id}/roll`, {}, { key: narrow.key })).toMatchObject({ status: 403, body: { missingRights: ['RIGHT_USER_USERS_READ'] } });
    const other = await world.makeTenantAdmin();
    expect((await client.post(`/api/users/me/api-keys/${wide.id}/roll`, {}, { jwt: other.jwt })).status).toBe(404);
    expect((await client.post(`/api/users/${owner.id}/api-keys/${wide.id}/roll`, {}, { jwt: other.jwt })).status).toBe(403);
  });
});
