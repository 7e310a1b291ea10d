import { Redis } from 'ioredis';
import { generateApiKey } from '../src/api-keys/api-key-format.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeed } from '../src/database/change-feed.js';
import { Client, World, type TestUser } from './support/client.js';
import { REDIS_URL, redisOfThisRun } from './support/redis.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { ACCESS_POLICY_FIXTURE, createTestDatabase, startTestApp, type TestApp, type TestDatabase } from './support/test-app.js';

const forward = (key: string, extra: Record<string, string> = {}) => ({
  headers: { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': '/v1/telemetry/x', Authorization: `Bearer ${key}`, ...extra },
});

describe('restricting a key: addresses, a rate limit and metadata', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  let owner: TestUser;
  let verifier: string;
  const keys = (path = '') => `/api/users/me/api-keys${path}`;
  const verify = (body: unknown) => client.post('/api/keys/verify', body, { key: verifier, header: 'authorization' });

  beforeAll(async () => {
    sut = await startTestApp({ ACCESS_POLICY_FILE: ACCESS_POLICY_FIXTURE, TRUST_PROXY: '127.0.0.1' });
    world = new World(sut);
    client = world.client;
    owner = await world.makeTenantAdmin();
    const account = await world.makeServiceAccount(owner, { rights: ['RIGHT_KEYS_VERIFY'] });
    verifier = (await world.makeAccountKey(account.id, owner)).key;
  });
  afterAll(() => sut.close());

  it('takes restrictions on create, shows them, changes them with PATCH and removes them with null', async () => {
    const made = await world.makeKey(owner, { allowedCidrs: ['10.0.0.0/8', '2001:DB8::/32', '192.0.2.7'], rateLimit: { limit: 6, windowSeconds: 60 }, metadata: { plan: 'gold', seats: 3 } });
    expect(made).toMatchObject({ allowedCidrs: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7/32'], rateLimit: { limit: 6, windowSeconds: 60 }, metadata: { plan: 'gold', seats: 3 } });
    const read = await client.get(keys(`/${made.id}`), { jwt: owner.jwt });
    expect(read.body).toMatchObject({ allowedCidrs: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7/32'], rateLimit: { limit: 6, windowSeconds: 60 }, metadata: { plan: 'gold', seats: 3 } });
    const patched = await client.patch(keys(`/${made.id}`), { rateLimit: { limit: 100, windowSeconds: 1 }, metadata: null }, { jwt: owner.jwt });
    expect(patched).toMatchObject({ status: 200, body: { allowedCidrs: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7/32'], rateLimit: { limit: 100, windowSeconds: 1 }, metadata: null } });
    const cleared = await client.patch(keys(`/${made.id}`), { allowedCidrs: null, rateLimit: null }, { jwt: owner.jwt });
    expect(cleared.body).toMatchObject({ allowedCidrs: null, rateLimit: null, metadata: null });
    const [row] = await sut.db.query('SELECT allowed_cidrs, rate_limit, rate_limit_window_seconds, metadata FROM api_keys WHERE id = $1', [made.id]);
    expect(row).toEqual({ allowed_cidrs: null, rate_limit: null, rate_limit_window_seconds: null, metadata: null });
    const plain = await world.makeKey(owner);
    expect(plain).toMatchObject({ allowedCidrs: null, rateLimit: null, metadata: null });
  });

  it('restricts service accounts\' keys the same way', async () => {
    const account = await world.makeServiceAccount(owner, { rights: ['RIGHT_TELEMETRY_READ'] });
    const made = await world.makeAccountKey(account.id, owner, { allowedCidrs: ['127.0.0.1'], metadata: { device: 'fleet-7' } });
    expect(made).toMatchObject({ allowedCidrs: ['127.0.0.1/32'], metadata: { device: 'fleet-7' } });
    const patched = await client.patch(`/api/service-accounts/${account.id}/api-keys/${made.id}`, { rateLimit: { limit: 2, windowSeconds: 60 } }, { jwt: owner.jwt });
    expect(patched).toMatchObject({ status: 200, body: { rateLimit: { limit: 2, windowSeconds: 60 } } });
  });

  it.each([
    [{ allowedCidrs: ['10.0.0.0/33'] }, 'allowedCidrs'],
    [{ allowedCidrs: ['example.com'] }, 'allowedCidrs'],
    [{ allowedCidrs: [] }, 'allowedCidrs'],
    [{ allowedCidrs: Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`) }, 'allowedCidrs must contain no more than 100'],
    [{ allowedCidrs: '10.0.0.0/8' }, 'allowedCidrs'],
    [{ rateLimit: { limit: 0, windowSeconds: 60 } }, 'limit'],
    [{ rateLimit: { limit: 6, windowSeconds: 31_536_000 } }, 'windowSeconds'],
    [{ rateLimit: { limit: 1.5, windowSeconds: 60 } }, 'limit'],
    [{ rateLimit: { limit: 6 } }, 'windowSeconds'],
    [{ rateLimit: { limit: 6, windowSeconds: 60, burst: 2 } }, 'burst'],
    [{ rateLimit: 6 }, 'rateLimit'],
    [{ rateLimit: [{ limit: 6, windowSeconds: 60 }] }, 'rateLimit'],
    [{ rateLimit: [] }, 'rateLimit'],
    [{ metadata: ['a'] }, 'metadata must be a JSON object'],
    [{ metadata: 'text' }, 'metadata must be a JSON object'],
    [{ metadata: { big: 'x'.repeat(4100) } }, 'at most 4096 bytes'],
  ])('refuses body %# with a 400 naming the problem: %1$s', async (body, named) => {
    const created = await client.post(keys(), { description: 'restricted', ...body }, { jwt: owner.jwt });
    expect(created.status).toBe(400);
    expect(created.body.message).toContain(named);
    const made = await world.makeKey(owner);
    const patched = await client.patch(keys(`/${made.id}`), body, { jwt: owner.jwt });
    expect(patched.status).toBe(400);
  });

  it('a key with restrictions cannot lift them, nor make a key free of them: 403; a login can', async () => {
    const bound = await world.makeKey(owner, { allowedCidrs: ['127.0.0.0/8'], rateLimit: { limit: 100, windowSeconds: 60 } });
    const asBound = { key: bound.key };
    for (const lift of [{ allowedCidrs: null }, { rateLimit: null }, { allowedCidrs: ['0.0.0.0/0'] }, { rateLimit: { limit: 1_000_000, windowSeconds: 1 } }]) {
      const reply = await client.patch(keys(`/${bound.id}`), lift, asBound);
      expect(reply).toMatchObject({ status: 403, body: { message: expect.stringContaining('has restrictions (allowedCidrs or rateLimit)') } });
    }
    expect((await client.post(keys(), { description: 'free of them' }, asBound)).status).toBe(403);
    // nor a user whose password it sets, who could then log in free of them
    const user = await client.post('/api/users', { email: 'escape@restricted.test', password: 'escape-me-please', authority: 'TENANT_ADMIN', tenantId: owner.tenantId }, asBound);
    expect(user).toMatchObject({ status: 403, body: { message: expect.stringContaining('cannot create users') } });
    expect(await sut.db.query("SELECT id FROM users WHERE email = 'escape@restricted.test'")).toEqual([]);
    // other changes, and a roll, which copies the restrictions, stay open to it
    expect((await client.patch(keys(`/${bound.id}`), { description: 'renamed by itself' }, asBound)).status).toBe(200);
    const [row] = await sut.db.query('SELECT allowed_cidrs, rate_limit FROM api_keys WHERE id = $1', [bound.id]);
    expect(row).toEqual({ allowed_cidrs: ['127.0.0.0/8'], rate_limit: 100 });
    expect((await client.patch(keys(`/${bound.id}`), { allowedCidrs: null }, { jwt: owner.jwt })).status).toBe(200);
  });

  it("refuses a key on keygate's own routes from an address it does not allow: 403 naming the reason", async () => {
    const elsewhere = await world.makeKey(owner, { allowedCidrs: ['203.0.113.0/24', '2001:db8::/32'] });
    const reply = await client.get('/api/auth/user', { key: elsewhere.key });
    expect(reply).toMatchObject({ status: 403, body: { statusCode: 403, reason: 'ADDRESS_NOT_ALLOWED', message: 'This API key may not be used from 127.0.0.1' } });
    // behind a trusted proxy, the client it names is the address checked
    expect((await client.call('GET', '/api/auth/user', { key: elsewhere.key }, undefined, { 'X-Forwarded-For': '203.0.113.9' })).status).toBe(200);
    const here = await world.makeKey(owner, { allowedCidrs: ['127.0.0.0/8'] });
    expect((await client.get('/api/auth/user', { key: here.key })).status).toBe(200);
  });

  it('answers 429 past the rate limit, with Retry-After and the RateLimit headers, and lets the key through again in the next window', async () => {
    const limited = await world.makeKey(owner, { rateLimit: { limit: 3, windowSeconds: 2 } });
    for (let i = 0; i < 3; i++) expect((await client.get('/api/auth/user', { key: limited.key })).status).toBe(200);
    const refused = await client.get('/api/auth/user', { key: limited.key });
    expect(refused).toMatchObject({ status: 429, body: { statusCode: 429, reason: 'RATE_LIMITED' } });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(refused.headers.get('ratelimit-policy')).toBe('"key";q=3;w=2');
    expect(refused.headers.get('ratelimit')).toBe(`"key";r=0;t=${retryAfter}`);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 100));
    expect((await client.get('/api/auth/user', { key: limited.key })).status).toBe(200);
  });

  it('a PATCH of restrictions reaches the next request, the key being cached', async () => {
    const made = await world.makeKey(owner);
    for (let i = 0; i < 3; i++) expect((await client.get('/api/auth/user', { key: made.key })).status).toBe(200);
    await client.patch(keys(`/${made.id}`), { allowedCidrs: ['203.0.113.0/24'] }, { jwt: owner.jwt });
    expect((await client.get('/api/auth/user', { key: made.key })).status).toBe(403);
    await client.patch(keys(`/${made.id}`), { allowedCidrs: null, rateLimit: { limit: 1, windowSeconds: 60 } }, { jwt: owner.jwt });
    expect((await client.get('/api/auth/user', { key: made.key })).status).toBe(200);
    expect((await client.get('/api/auth/user', { key: made.key })).status).toBe(429);
  });

  it('verify: ADDRESS_NOT_ALLOWED for the address in the body, else for the caller; RATE_LIMITED with retryAfter; the metadata', async () => {
    const made = await world.makeKey(owner, { rights: ['RIGHT_TELEMETRY_READ'], allowedCidrs: ['198.51.100.0/24'], metadata: { plan: 'gold' } });
    expect((await verify({ key: made.key, address: '198.51.100.20' })).body).toMatchObject({ valid: true, code: 'VALID', keyId: made.id, metadata: { plan: 'gold' } });
    expect((await verify({ key: made.key, address: '192.0.2.1' })).body).toMatchObject({ valid: false, code: 'ADDRESS_NOT_ALLOWED', keyId: made.id, metadata: { plan: 'gold' } });
    // no address: the verify caller's own (127.0.0.1 here)
    expect((await verify({ key: made.key })).body).toMatchObject({ valid: false, code: 'ADDRESS_NOT_ALLOWED' });
    expect(await verify({ key: made.key, address: 'not-an-address' })).toMatchObject({ status: 400, body: { message: 'address must be an ip address' } });
    const limited = await world.makeKey(owner, { rateLimit: { limit: 2, windowSeconds: 60 } });
    for (let i = 0; i < 2; i++) expect((await verify({ key: limited.key })).body).toMatchObject({ valid: true, metadata: null });
    const refused = await verify({ key: limited.key });
    expect(refused).toMatchObject({ status: 200, body: { valid: false, code: 'RATE_LIMITED', keyId: limited.id } });
    expect(refused.body.retryAfter).toBeGreaterThan(0);
    expect(refused.body.retryAfter).toBeLessThanOrEqual(60);
  });

  it('forward-auth: the forwarded client address decides, and a rate limit reaches the client as 429 (nginx: 403 carrying the status)', async () => {
    const made = await world.makeKey(owner, { rights: ['RIGHT_TELEMETRY_READ'], allowedCidrs: ['198.51.100.0/24'] });
    expect((await client.call('GET', '/api/forward-auth', forward(made.key, { 'X-Forwarded-For': '198.51.100.5' }))).status).toBe(200);
    const refused = await client.call('GET', '/api/forward-auth', forward(made.key, { 'X-Forwarded-For': '192.0.2.5' }));
    expect(refused).toMatchObject({ status: 403, body: { reason: 'ADDRESS_NOT_ALLOWED', message: 'This API key may not be used from 192.0.2.5' } });
    const limited = await world.makeKey(owner, { rights: ['RIGHT_TELEMETRY_READ'], rateLimit: { limit: 1, windowSeconds: 60 } });
    expect((await client.call('GET', '/api/forward-auth', forward(limited.key))).status).toBe(200);
    const traefik = await client.call('GET', '/api/forward-auth', forward(limited.key));
    expect(traefik).toMatchObject({ status: 429, body: { reason: 'RATE_LIMITED' } });
    expect(traefik.headers.get('ratelimit-policy')).toBe('"key";q=1;w=60');
    const nginx = await client.call('GET', '/api/forward-auth', { headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/v1/telemetry/x', Authorization: `Bearer ${limited.key}` } });
    expect(nginx.status).toBe(403);
    expect(nginx.body).toBeUndefined();
    expect(nginx.headers.get('x-keygate-status')).toBe('429');
    expect(Number(nginx.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a roll copies the restrictions and the metadata', async () => {
    const old = await world.makeKey(owner, { allowedCidrs: ['127.0.0.1'], rateLimit: { limit: 5, windowSeconds: 10 }, metadata: { tier: 2 } });
    const rolled = await client.post(keys(`/${old.id}/roll`), {}, { jwt: owner.jwt });
    expect(rolled).toMatchObject({ status: 201, body: { allowedCidrs: ['127.0.0.1/32'], rateLimit: { limit: 5, windowSeconds: 10 }, metadata: { tier: 2 }, rolledFromId: old.id } });
  });

  it('readiness says the limits count in this instance alone without REDIS_URL', async () => {
    expect(await client.get('/api/health/ready')).toMatchObject({ status: 200, body: { status: 'ok', rateLimits: 'local' } });
  });
});

describe.skipIf(!process.env.DATABASE_URL)('one limit for the cluster: two instances sharing one PostgreSQL count in one Redis', () => {
  const redis = redisOfThisRun();
  let database: TestDatabase;
  let instanceA: TestApp;
  let instanceB: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    instanceA = await startTestApp(redis.env, database);
    instanceB = await startTestApp(redis.env, database);
  });

  it('readiness says the limits count in Redis', async () => {
    for (const app of [instanceA, instanceB]) {
      await expect.poll(async () => (await new World(app).client.get('/api/health/ready')).body, { timeout: 5000 }).toEqual({ status: 'ok', rateLimits: 'redis', redis: 'up' });
    }
  });
  afterAll(async () => {
    await instanceA?.close();
    await instanceB?.close();
    await database?.drop();
    await redis.flush();
  });

  it('a key limited to 6 a window gets 6 across both instances, not 12', async () => {
    const world = new World(instanceA);
    const owner = await world.makeTenantAdmin();
    const made = await world.makeKey(owner, { rateLimit: { limit: 6, windowSeconds: 60 } });
    const clients = [new World(instanceA).client, new World(instanceB).client];
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await clients[i % 2]!.get('/api/auth/user', { key: made.key })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.slice(6)).toEqual([429, 429, 429, 429, 429, 429]);
  });

  it('a PATCH of restrictions on one instance reaches the other on its next request', async () => {
    const world = new World(instanceA);
    const owner = await world.makeTenantAdmin();
    const made = await world.makeKey(owner);
    const other = new World(instanceB).client;
    for (let i = 0; i < 3; i++) expect((await other.get('/api/auth/user', { key: made.key })).status).toBe(200);
    const heard = new Promise<void>((resolve) => {
      const stop = instanceB.app.get(ChangeFeed).subscribe((change) => {
        if (change.kind === 'apiKey' && change.id === made.id) {
          stop();
          resolve();
        }
      });
    });
    expect((await world.client.patch(`/api/users/me/api-keys/${made.id}`, { allowedCidrs: ['203.0.113.0/24'] }, { jwt: owner.jwt })).status).toBe(200);
    await heard;
    expect(await other.get('/api/auth/user', { key: made.key })).toMatchObject({ status: 403, body: { reason: 'ADDRESS_NOT_ALLOWED' } });
  });
});

describe('a Redis outage: keys keep working, limits count locally meanwhile, and Redis takes over again by itself', () => {
  const redis = redisOfThisRun();
  const url = new URL(REDIS_URL);
  const proxy = new TcpProxy(url.hostname, Number(url.port || 6379));
  let sut: TestApp;
  let world: World;
  let owner: TestUser;

  beforeAll(async () => {
    await proxy.start();
    sut = await startTestApp({ ...redis.env, REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
    world = new World(sut);
    owner = await world.makeTenantAdmin();
  });
  afterAll(async () => {
    await sut?.close();
    await proxy.stop();
    await redis.flush();
  });

  const ready = async () => (await world.client.get('/api/health/ready')).body;

  it('counts in Redis, then locally while Redis is away (still ready, degraded), then in Redis again', async () => {
    await expect.poll(ready, { timeout: 5000 }).toEqual({ status: 'ok', rateLimits: 'redis', redis: 'up' });
    const made = await world.makeKey(owner, { rateLimit: { limit: 2, windowSeconds: 60 } });
    const use = async () => (await world.client.get('/api/auth/user', { key: made.key })).status;
    expect([await use(), await use(), await use()]).toEqual([200, 200, 429]);
    const stored = new Redis(REDIS_URL);
    expect(await stored.keys(`${redis.env.REDIS_KEY_PREFIX}*`)).toHaveLength(1);
    await stored.quit();

    await proxy.cut();
    await expect.poll(ready, { timeout: 5000 }).toEqual({ status: 'degraded', rateLimits: 'local', redis: 'down' });
    // what Redis said stands until its window ends; a key it has not counted is counted here, within its limit
    expect(await use()).toBe(429);
    const other = await world.makeKey(owner, { rateLimit: { limit: 2, windowSeconds: 60 } });
    const useOther = async () => (await world.client.get('/api/auth/user', { key: other.key })).status;
    expect([await useOther(), await useOther(), await useOther()]).toEqual([200, 200, 429]);
    expect((await world.client.get('/api/auth/user', { jwt: owner.jwt })).status).toBe(200);

    await proxy.restore();
    await expect.poll(ready, { timeout: 10_000 }).toEqual({ status: 'ok', rateLimits: 'redis', redis: 'up' });
    // Redis's own count, which still holds the first window's uses
    expect(await use()).toBe(429);
    // and Redis counts again: a new key's uses reach it
    const third = await world.makeKey(owner, { rateLimit: { limit: 2, windowSeconds: 60 } });
    expect((await world.client.get('/api/auth/user', { key: third.key })).status).toBe(200);
    const counted = new Redis(REDIS_URL);
    expect((await counted.keys(`${redis.env.REDIS_KEY_PREFIX}*`)).length).toBe(2);
    await counted.quit();
  });
});

describe('failure limits for the cluster: two instances counting wrong keys in one Redis', () => {
  const redis = redisOfThisRun();
  let instanceA: TestApp;
  let instanceB: TestApp;

  beforeAll(async () => {
    // databases of their own: failures against an address need none in common, only Redis
    instanceA = await startTestApp({ ...redis.env, AUTH_MAX_FAILURES_PER_MINUTE: '4' });
    instanceB = await startTestApp({ ...redis.env, AUTH_MAX_FAILURES_PER_MINUTE: '4' });
  });
  afterAll(async () => {
    await instanceA?.close();
    await instanceB?.close();
    await redis.flush();
  });

  it('a block reached across instances refuses on each from its next counted failure', async () => {
    const [a, b] = [new Client(instanceA.url), new Client(instanceB.url)];
    for (const app of [a, b]) await expect.poll(async () => (await app.get('/api/health/ready')).body.rateLimits, { timeout: 5000 }).toBe('redis');
    const wrong = async (client: Client) => {
      const status = (await client.get('/api/auth/user', { key: generateApiKey().key })).status;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return status;
    };
    expect([await wrong(a), await wrong(a), await wrong(b), await wrong(b)]).toEqual([401, 401, 401, 401]);
    // B's fourth failure was the cluster's fourth: B is blocked
    expect(await wrong(b)).toBe(429);
    // A counted only two: its next failure is checked, and Redis's answer blocks A too
    expect(await wrong(a)).toBe(401);
    expect(await wrong(a)).toBe(429);
  });
});
