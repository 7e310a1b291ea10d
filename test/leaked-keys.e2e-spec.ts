import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../src/api-keys/api-key-format.js';
import { Client, World, type TestUser } from './support/client.js';
import { redisOfThisRun } from './support/redis.js';
import { ACCESS_POLICY_FIXTURE, startTestApp, type TestApp } from './support/test-app.js';

describe('POST /api/keys/report-leaked: whoever finds a key can kill it', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  let owner: TestUser;
  let admin: TestUser;
  const from = (address: string) => ({ 'X-Forwarded-For': address });
  const report = (keys: unknown, address = '203.0.113.1') => client.call('POST', '/api/keys/report-leaked', { headers: from(address) }, { keys });

  beforeAll(async () => {
    sut = await startTestApp({ ACCESS_POLICY_FILE: ACCESS_POLICY_FIXTURE, TRUST_PROXY: '127.0.0.1' });
    world = new World(sut);
    client = world.client;
    owner = await world.makeTenantAdmin();
    admin = await world.admin();
  });
  afterAll(() => sut.close());

  it('disables every real key among those sent, at once, and answers the same whichever were real', async () => {
    const [leaked, alsoLeaked, guessed] = [await world.makeKey(owner), await world.makeKey(owner), await world.makeKey(owner)];
    const account = await world.makeServiceAccount(owner, { rights: ['RIGHT_TELEMETRY_READ'] });
    const accountKey = await world.makeAccountKey(account.id, owner);
    for (const k of [leaked, accountKey]) expect((await client.get('/api/rights', { key: k.key })).status).toBe(200);
    // a key's id is no secret (lists and logs show it): with a made-up secret it disables nothing
    const idOnly = `NNSXS.${guessed.id}.${generateApiKey().secret}`;
    const reply = await report([leaked.key, accountKey.key, idOnly, generateApiKey().key, 'not a key at all', alsoLeaked.key, leaked.key]);
    expect(reply).toMatchObject({ status: 202, body: { received: 7 } });
    const nothingReal = await report([generateApiKey().key, 'not a key at all'], '203.0.113.2');
    expect(nothingReal).toMatchObject({ status: 202, body: { received: 2 } });
    expect(Object.keys(nothingReal.body)).toEqual(Object.keys(reply.body));

    for (const k of [leaked, alsoLeaked, accountKey]) expect(await client.get('/api/rights', { key: k.key })).toMatchObject({ status: 401, body: { message: 'API key is disabled' } });
    expect((await client.get('/api/rights', { key: guessed.key })).status).toBe(200);
    const rows = await sut.db.query('SELECT id, enabled FROM api_keys WHERE id = ANY($1) ORDER BY id', [[leaked.id, alsoLeaked.id, accountKey.id, guessed.id]]);
    expect(Object.fromEntries(rows.map((r: { id: string; enabled: boolean }) => [r.id, r.enabled]))).toEqual({ [leaked.id]: false, [alsoLeaked.id]: false, [accountKey.id]: false, [guessed.id]: true });
    const events = await client.get(`/api/users/${owner.id}/api-keys/${leaked.id}/events`, { jwt: owner.jwt });
    expect(events.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'API_KEY_LEAK_REPORTED', clientIp: '203.0.113.1' })]));
  });

  it('needs no credentials, and takes none: a credential sent with it changes nothing', async () => {
    const leaked = await world.makeKey(owner);
    const reply = await client.call('POST', '/api/keys/report-leaked', { jwt: admin.jwt }, { keys: [leaked.key] });
    expect(reply.status).toBe(202);
    expect((await client.get('/api/rights', { key: leaked.key })).status).toBe(401);
  });

  it.each([
    ['no keys', []],
    ['101 keys', Array.from({ length: 101 }, () => generateApiKey().key)],
    ['not a list', 'NNSXS.X.Y'],
    ['a number in the list', [7]],
    ['an overlong string', ['x'.repeat(1001)]],
  ])('400 for %s', async (_name, keys) => {
    expect(await report(keys, '203.0.113.3')).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
  });

  it('at most 10 calls a minute from one address: then 429 with Retry-After; another address goes on', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await report([generateApiKey().key], '203.0.113.9')).status);
    expect(statuses).toEqual([...Array(10).fill(202), 429]);
    const limited = await report([generateApiKey().key], '203.0.113.9');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await report([generateApiKey().key], '203.0.113.10')).status).toBe(202);
  });
});

describe('the leak-report limit holds for the cluster: two instances counting in one Redis', () => {
  const redis = redisOfThisRun();
  let instanceA: TestApp;
  let instanceB: TestApp;

  beforeAll(async () => {
    // databases of their own: counting calls from an address needs nothing in common but Redis
    instanceA = await startTestApp({ ...redis.env, TRUST_PROXY: '127.0.0.1' });
    instanceB = await startTestApp({ ...redis.env, TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(async () => {
    await instanceA?.close();
    await instanceB?.close();
    await redis.flush();
  });

  it('10 calls a minute from one address across both instances, not 10 on each', async () => {
    const [a, b] = [new Client(instanceA.url), new Client(instanceB.url)];
    for (const app of [a, b]) await expect.poll(async () => (await app.get('/api/health/ready')).body.rateLimits, { timeout: 5000 }).toBe('redis');
    const report = (client: Client) => client.call('POST', '/api/keys/report-leaked', { headers: { 'X-Forwarded-For': '203.0.113.50' } }, { keys: [generateApiKey().key] });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await report(a)).status, (await report(b)).status);
    expect(statuses).toEqual(Array(10).fill(202));
    expect((await report(a)).status).toBe(429);
    expect((await report(b)).status).toBe(429);
  });
});
