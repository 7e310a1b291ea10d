import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, World, type TestUser } from './support/client.js';
import { createTestDatabase, startTestApp, testEnv, type TestApp, type TestDatabase } from './support/test-app.js';

type Pair = { token: string; refreshToken: string };

/** A few calls with an access token, so that the instance remembers it: what follows then tests the cache too. */
async function warm(client: Client, token: string): Promise<void> {
  for (let i = 0; i < 3; i++) expect((await client.get('/api/auth/user', { jwt: token })).status).toBe(200);
}

/** The claims of a token keygate issued. */
const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/** The session row a token names, as the database holds it. */
async function sessionOf(app: TestApp, token: string): Promise<{ ended_at: Date | null; end_reason: string | null; refresh_generation: number } | undefined> {
  const rows = await app.db.query(`SELECT ended_at, end_reason, refresh_generation FROM sessions WHERE id = $1`, [claims(token).sid]);
  return rows[0];
}

/** Polls until `check` holds, for at most `ms`; the time it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('sessions: refresh once, logout, disable and delete end them', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  let admin: TestUser;

  const login = (user: TestUser): Promise<Pair> => client.login(user.email, user.password);
  const refresh = (refreshToken: string) => client.post('/api/auth/token', { refreshToken });
  const status = async (token: string) => (await client.get('/api/auth/user', { jwt: token })).status;

  beforeAll(async () => {
    sut = await startTestApp();
    world = new World(sut);
    client = world.client;
    admin = await world.admin();
  });
  afterAll(() => sut.close());

  it('names its session in both tokens', async () => {
    const user = await world.makeTenantAdmin();
    const pair = await login(user);
    expect(claims(pair.token)).toMatchObject({ sub: user.id, typ: 'access', sid: expect.any(String) });
    expect(claims(pair.refreshToken)).toMatchObject({ sub: user.id, typ: 'refresh', sid: claims(pair.token).sid, gen: 0 });
    expect(await sessionOf(sut, pair.token)).toMatchObject({ ended_at: null, refresh_generation: 0 });
  });

  it('takes a refresh token once; its second use ends the session, the newer pair included', async () => {
    const user = await world.makeTenantAdmin();
    const first = await login(user);
    await warm(client, first.token);
    const refreshed = await refresh(first.refreshToken);
    expect(refreshed.status).toBe(200);
    const second: Pair = refreshed.body;
    expect(claims(second.token).sid).toBe(claims(first.token).sid);
    await warm(client, second.token);
    // the first access token is of the same, live session
    expect(await status(first.token)).toBe(200);

    const reused = await refresh(first.refreshToken);
    expect(reused).toMatchObject({ status: 401, body: { statusCode: 401, message: expect.stringContaining('already used') } });
    expect(await status(first.token)).toBe(401);
    expect(await status(second.token)).toBe(401);
    expect((await refresh(second.refreshToken)).status).toBe(401);
    expect(await sessionOf(sut, first.token)).toMatchObject({ ended_at: expect.any(Date), end_reason: 'REFRESH_TOKEN_REUSED', refresh_generation: 1 });
    const events = await client.get(`/api/audit?action=REFRESH_TOKEN_REUSED&userId=${user.id}`, { jwt: admin.jwt });
    expect(events.body.data).toEqual([expect.objectContaining({ targetUserId: user.id, clientIp: '127.0.0.1', details: { sessionId: claims(first.token).sid } })]);
    // the user logs in again as usual
    expect(await status((await login(user)).token)).toBe(200);
  });

  it('refreshes a chain of generations, each token once', async () => {
    const user = await world.makeTenantAdmin();
    let pair = await login(user);
    for (let generation = 1; generation <= 3; generation++) {
      const reply = await refresh(pair.refreshToken);
      expect(reply.status).toBe(200);
      pair = reply.body;
      expect(claims(pair.refreshToken).gen).toBe(generation);
    }
    expect(await status(pair.token)).toBe(200);
    expect(await sessionOf(sut, pair.token)).toMatchObject({ ended_at: null, refresh_generation: 3 });
  });

  it('logs out: the access token is refused on the next request, its refresh token too; another session of the user is untouched', async () => {
    const user = await world.makeTenantAdmin();
    const ending = await login(user);
    const other = await login(user);
    await warm(client, ending.token);
    await warm(client, other.token);

    const logout = await client.post('/api/auth/logout', undefined, { jwt: ending.token });
    expect(logout.status).toBe(204);
    expect(await status(ending.token)).toBe(401);
    expect((await client.get('/api/auth/user', { jwt: ending.token })).body.message).toMatch(/session has ended/);
    expect(await refresh(ending.refreshToken)).toMatchObject({ status: 401, body: { message: expect.stringContaining('session has ended') } });
    expect((await client.post('/api/auth/logout', undefined, { jwt: ending.token })).status).toBe(401);
    expect(await sessionOf(sut, ending.token)).toMatchObject({ ended_at: expect.any(Date), end_reason: 'LOGOUT' });

    expect(await status(other.token)).toBe(200);
    const refreshed = await refresh(other.refreshToken);
    expect(refreshed.status).toBe(200);
    expect(await status(refreshed.body.token)).toBe(200);
    expect(await sessionOf(sut, other.token)).toMatchObject({ ended_at: null });
  });

  it('ends the session of the JWT when an API key is sent beside it; refuses a logout with an API key alone (403)', async () => {
    const user = await world.makeTenantAdmin();
    const { key } = await world.makeKey(user);
    const pair = await login(user);
    const withKey = await client.post('/api/auth/logout', undefined, { key });
    expect(withKey).toMatchObject({ status: 403, body: { statusCode: 403, error: 'Forbidden', message: expect.stringContaining('API key') } });
    expect(await status(pair.token)).toBe(200);
    expect((await client.get('/api/auth/user', { key })).status).toBe(200);

    const both = await client.call('POST', '/api/auth/logout', undefined, undefined, { Authorization: `Bearer ${pair.token}`, 'X-Authorization': `ApiKey ${key}` });
    expect(both.status).toBe(204);
    expect(await status(pair.token)).toBe(401);
    // the key is no session: it keeps working
    expect((await client.get('/api/auth/user', { key })).status).toBe(200);
  });

  it.each([
    ['no credential', {}, 401],
    ['a refresh token as bearer', 'refresh', 401],
    ['a garbled JWT', { Authorization: 'Bearer not.a.jwt' }, 401],
    ['malformed JSON', 'malformed', 400],
    ['a body too deep', 'deep', 400],
  ] as const)('answers a logout with %s with a JSON %i, and ends nothing', async (_name, input, expected) => {
    const user = await world.makeTenantAdmin();
    const pair = await login(user);
    const bearer = { Authorization: `Bearer ${pair.token}`, 'Content-Type': 'application/json' };
    const reply =
      input === 'refresh'
        ? await client.call('POST', '/api/auth/logout', { jwt: pair.refreshToken })
        : input === 'malformed'
          ? await client.call('POST', '/api/auth/logout', undefined, '{"all": ', bearer)
          : input === 'deep'
            ? await client.call('POST', '/api/auth/logout', undefined, `${'['.repeat(100)}${']'.repeat(100)}`, bearer)
            : await client.call('POST', '/api/auth/logout', { headers: input });
    expect(reply.status).toBe(expected);
    expect(reply.body).toMatchObject({ statusCode: expected, message: expect.anything() });
    expect(await status(pair.token)).toBe(200);
  });

  it('refuses a token that names no session (as issued before sessions existed), and a refresh token of an unknown session', async () => {
    const user = await world.makeTenantAdmin();
    const secret = testEnv().JWT_SECRET!;
    const now = Math.floor(Date.now() / 1000);
    const sign = (payload: object) => {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
      return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
    };
    expect(await status(sign({ sub: user.id, typ: 'access', iat: now, exp: now + 600 }))).toBe(401);
    expect(await status(sign({ sub: user.id, typ: 'access', sid: 'not-a-uuid', iat: now, exp: now + 600 }))).toBe(401);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await status(sign({ sub: user.id, typ: 'access', sid: unknown, iat: now, exp: now + 600 }))).toBe(401);
    expect((await refresh(sign({ sub: user.id, typ: 'refresh', iat: now, exp: now + 600 }))).status).toBe(401);
    expect((await refresh(sign({ sub: user.id, typ: 'refresh', sid: unknown, gen: 0, iat: now, exp: now + 600 }))).status).toBe(401);
    expect((await refresh(sign({ sub: user.id, typ: 'refresh', sid: unknown, gen: 'x', iat: now, exp: now + 600 }))).status).toBe(401);
    // another user's session under one's own name
    const pair = await login(await world.makeTenantAdmin());
    expect(await status(sign({ sub: user.id, typ: 'access', sid: claims(pair.token).sid, iat: now, exp: now + 600 }))).toBe(401);
  });

  it('ends every session of a disabled user; re-enabling it revives none, and a new login works', async () => {
    const user = await world.makeTenantAdmin();
    const pairs = [await login(user), await login(user)];
    for (const pair of pairs) await warm(client, pair.token);
    expect((await client.patch(`/api/users/${user.id}`, { enabled: false }, { jwt: admin.jwt })).status).toBe(200);
    for (const pair of pairs) {
      expect(await status(pair.token)).toBe(401);
      expect((await refresh(pair.refreshToken)).status).toBe(401);
    }
    const [{ live }] = await sut.db.query(`SELECT count(*) FILTER (WHERE ended_at IS NULL)::int AS live FROM sessions WHERE user_id = $1`, [user.id]);
    expect(live).toBe(0);

    expect((await client.patch(`/api/users/${user.id}`, { enabled: true }, { jwt: admin.jwt })).status).toBe(200);
    for (const pair of [...pairs, { token: user.jwt, refreshToken: '' }]) expect(await status(pair.token)).toBe(401);
    for (const pair of pairs) expect((await refresh(pair.refreshToken)).status).toBe(401);
    for (const pair of pairs) expect(await sessionOf(sut, pair.token)).toMatchObject({ ended_at: expect.any(Date), end_reason: 'USER_DISABLED' });
    const fresh = await login(user);
    expect(await status(fresh.token)).toBe(200);
    expect((await refresh(fresh.refreshToken)).status).toBe(200);
  });

  it('ends the sessions of a user disabled by an operator in SQL, too', async () => {
    const user = await world.makeTenantAdmin();
    const pair = await login(user);
    await sut.db.query(`UPDATE users SET enabled = false WHERE id = $1`, [user.id]);
    await sut.db.query(`UPDATE users SET enabled = true WHERE id = $1`, [user.id]);
    await within(1000, async () => (await status(pair.token)) === 401);
    expect((await refresh(pair.refreshToken)).status).toBe(401);
    expect(await sessionOf(sut, pair.token)).toMatchObject({ end_reason: 'USER_DISABLED' });
  });

  it('ends the sessions of a deleted user: its tokens are refused and its session rows are gone', async () => {
    const user = await world.makeTenantAdmin();
    const pair = await login(user);
    await warm(client, pair.token);
    expect((await client.delete(`/api/users/${user.id}`, { jwt: admin.jwt })).status).toBe(204);
    expect(await status(pair.token)).toBe(401);
    expect(await status(user.jwt)).toBe(401);
    expect((await refresh(pair.refreshToken)).status).toBe(401);
    expect(await sut.db.query(`SELECT id FROM sessions WHERE user_id = $1`, [user.id])).toEqual([]);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('sessions across two instances sharing one PostgreSQL', () => {
  let database: TestDatabase;
  let instanceA: TestApp;
  let instanceB: TestApp;
  let world: World;
  let clientB: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    instanceA = await startTestApp({}, database);
    instanceB = await startTestApp({}, database);
    world = new World(instanceA);
    clientB = new Client(instanceB.url);
  });
  afterAll(async () => {
    await instanceA?.close();
    await instanceB?.close();
    await database?.drop();
  });

  const statusOnB = async (token: string) => (await clientB.get('/api/auth/user', { jwt: token })).status;

  it('a logout through A is refused by B within a second, and the refresh token by both', async () => {
    const user = await world.makeTenantAdmin();
    const pair = await world.client.login(user.email, user.password);
    await warm(clientB, pair.token);
    expect((await world.client.post('/api/auth/logout', undefined, { jwt: pair.token })).status).toBe(204);
    const took = await within(1000, async () => (await statusOnB(pair.token)) === 401);
    expect(took).toBeLessThan(1000);
    expect((await clientB.post('/api/auth/token', { refreshToken: pair.refreshToken })).status).toBe(401);
    expect(await sessionOf(instanceB, pair.token)).toMatchObject({ ended_at: expect.any(Date), end_reason: 'LOGOUT' });
  });

  it('a refresh token reused at A ends the session on B too', async () => {
    const user = await world.makeTenantAdmin();
    const pair = await world.client.login(user.email, user.password);
    const refreshed = await clientB.post('/api/auth/token', { refreshToken: pair.refreshToken });
    expect(refreshed.status).toBe(200);
    await warm(clientB, refreshed.body.token);
    expect((await world.client.post('/api/auth/token', { refreshToken: pair.refreshToken })).status).toBe(401);
    await within(1000, async () => (await statusOnB(refreshed.body.token)) === 401);
  });
});
