import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthFailures } from '../src/auth/verify/auth-failures.js';
import { Client, World, type TestUser } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { captureOutput, jsonLines } from './support/output.js';

describe('secrets stay secret', () => {
  let sut: TestApp;
  let world: World;

  beforeAll(async () => {
    sut = await startTestApp({ LOG_LEVEL: 'verbose', LOG_REQUESTS: 'true' });
    world = new World(sut);
  });
  afterAll(() => sut.close());

  it('logs requests with credentials redacted, and never a key, a secret or a token', async () => {
    const admin = await world.admin();
    const keys: string[] = [];
    const log = await captureOutput(async () => {
      for (let i = 0; i < 3; i++) keys.push((await world.makeKey(admin)).key);
      for (const key of keys) {
        await world.client.get('/api/auth/user', { key });
        await world.client.get('/api/auth/user', { key, header: 'authorization' });
        await world.client.get(`/api/auth/user?apiKey=${encodeURIComponent(key)}`);
        await world.client.get('/api/auth/user', { key: `${key.slice(0, -3)}AAA` });
      }
      await world.client.get('/api/auth/user', { jwt: admin.jwt });
      await world.client.post('/api/auth/login', { username: admin.email, password: 'wrong-password' });
      await world.client.post('/api/users/me/api-keys', { description: 'x', rights: ['RIGHT_USER_NOPE'] }, { jwt: admin.jwt });
      await sut.app.get(AuthFailures).flush();
    });
    const requests = jsonLines(log).filter((line) => line.context === 'Request');
    expect(requests).toContainEqual(
      expect.objectContaining({ method: 'GET', path: '/api/auth/user', statusCode: 200, responseTime: expect.any(Number), clientIp: '127.0.0.1', auth: 'apiKey', apiKeyId: expect.stringMatching(/^[A-Z2-7]{39}$/) }),
    );
    expect(requests).toContainEqual(expect.objectContaining({ auth: 'jwt', statusCode: 200 }));
    for (const key of keys) {
      expect(log).not.toContain(key.split('.')[2]);
      expect(log).not.toContain(key.split('.')[2]!.slice(0, 20));
    }
    expect(log).not.toContain(admin.jwt);
    expect(log).not.toContain(admin.jwt.split('.')[2]);
    expect(log).not.toContain('wrong-password');
    expect(log).not.toMatch(/apiKey=NNSXS/);
  });

  it('refuses keys in the query string, the body or a cookie', async () => {
    const admin = await world.admin();
    const { key } = await world.makeKey(admin);
    for (const query of ['apiKey', 'api_key', 'key', 'access_token', 'token', 'X-Authorization']) {
      expect((await world.client.get(`/api/rights?${query}=${encodeURIComponent(key)}`)).status).toBe(401);
    }
    expect((await world.client.call('GET', '/api/rights', undefined, undefined, { Cookie: `apiKey=${key}` })).status).toBe(401);
    expect((await world.client.post('/api/users/me/api-keys', { description: 'x', apiKey: key })).status).toBe(401);
  });

  it('keeps no plain key or secret in the database, the audit trail included', async () => {
    const admin = await world.admin();
    const secrets = [];
    for (let i = 0; i < 5; i++) secrets.push((await world.makeKey(admin)).key.split('.')[2]!);
    const dump: Array<{ row: string }> = await sut.db.query(
      `SELECT row_to_json(t)::text AS row FROM (SELECT * FROM api_keys) t
       UNION ALL SELECT row_to_json(t)::text FROM (SELECT * FROM audit_events) t
       UNION ALL SELECT row_to_json(t)::text FROM (SELECT * FROM users) t`,
    );
    const text = dump.map((r) => r.row).join('\n');
    expect(text.length).toBeGreaterThan(1000);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('NNSXS.');
  });
});

describe('brute force', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;

  beforeAll(async () => {
    sut = await startTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_SECONDS: '60', AUTH_MAX_FAILURES_PER_MINUTE: '5', TRUST_PROXY: 'true' });
    world = new World(sut);
    client = world.client;
  });
  afterAll(() => sut.close());

  const from = (address: string) => ({ 'X-Forwarded-For': address, 'Content-Type': 'application/json' });

  it('limits failed logins per (address, account): 429 with Retry-After even for the right password', async () => {
    const victim = await world.makeTenantAdmin();
    const other = await world.makeTenantAdmin();
    const login = (user: TestUser, password: string, address: string) =>
      client.call('POST', '/api/auth/login', undefined, { username: user.email, password }, from(address));
    for (let i = 0; i < 3; i++) expect((await login(victim, 'wrong-password', '10.0.0.1')).status).toBe(401);
    const blocked = await login(victim, victim.password, '10.0.0.1');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.body).toMatchObject({ statusCode: 429, message: expect.stringContaining('retry') });
    // other accounts from that address, and that account from other addresses, are untouched
    expect((await login(other, other.password, '10.0.0.1')).status).toBe(200);
    expect((await login(victim, victim.password, '10.0.0.2')).status).toBe(200);
  });

  it('limits failed key checks per address; valid keys from that address keep working', async () => {
    const owner = await world.makeTenantAdmin();
    const { key } = await world.makeKey(owner);
    const call = (credential: string, address: string) =>
      client.call('GET', '/api/rights', { key: credential }, undefined, { 'X-Forwarded-For': address });
    expect((await call(key, '10.0.1.1')).status).toBe(200);
    const unknown = () => `NNSXS.${randomBytes(24).toString('hex').slice(0, 39).toUpperCase().replace(/[0189]/g, 'A')}.${'C'.repeat(52)}`;
    for (let i = 0; i < 5; i++) expect((await call(unknown(), '10.0.1.1')).status).toBe(401);
    const limited = await call(unknown(), '10.0.1.1');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(key, '10.0.1.1')).status).toBe(200);
    expect((await call(unknown(), '10.0.1.2')).status).toBe(401);
  });

  it("limits failed checks of an existing key per key, whatever the address, and not the address (behind a gateway it is everyone's)", async () => {
    const owner = await world.makeTenantAdmin();
    const { key } = await world.makeKey(owner);
    const call = (credential: string, address: string) =>
      client.call('GET', '/api/rights', { key: credential }, undefined, { 'X-Forwarded-For': address });
    expect((await call(key, '10.0.2.1')).status).toBe(200);
    const wrong = `${key.slice(0, -4)}AAAA`;
    for (let i = 0; i < 5; i++) expect((await call(wrong, `10.0.2.${i + 1}`)).status).toBe(401);
    expect((await call(wrong, '10.0.2.9')).status).toBe(429);
    expect((await call(key, '10.0.2.1')).status).toBe(200);
    expect((await call(`NNSXS.${'B'.repeat(39)}.${'C'.repeat(52)}`, '10.0.2.1')).status).toBe(401);
  });
});

describe('limits, headers and CORS', () => {
  let sut: TestApp;
  let world: World;

  beforeAll(async () => {
    sut = await startTestApp({ API_KEYS_MAX_PER_USER: '2', API_KEYS_MAX_LIFETIME_DAYS: '30', CORS_ORIGINS: 'https://console.example.test' });
    world = new World(sut);
  });
  afterAll(() => sut.close());

  it('caps the keys of a user', async () => {
    const owner = await world.makeTenantAdmin();
    await world.makeKey(owner);
    await world.makeKey(owner);
    const third = await world.client.post('/api/users/me/api-keys', { description: 'third' }, { jwt: owner.jwt });
    expect(third).toMatchObject({ status: 409, body: { statusCode: 409, message: expect.stringContaining('2 API keys') } });
    expect(await sut.db.query('SELECT id FROM api_keys WHERE user_id = $1', [owner.id])).toHaveLength(2);
  });

  it("caps a key's lifetime, and gives a key without expiry the longest allowed", async () => {
    const owner = await world.makeTenantAdmin();
    const tooLong = new Date(Date.now() + 31 * 86_400_000).toISOString();
    expect((await world.client.post('/api/users/me/api-keys', { description: 'x', expiresAt: tooLong }, { jwt: owner.jwt })).status).toBe(400);
    const defaulted = await world.makeKey(owner);
    const lifetime = Date.parse(defaulted.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(29.9 * 86_400_000);
    expect(lifetime).toBeLessThanOrEqual(30 * 86_400_000);
    const never = await world.client.patch(`/api/users/me/api-keys/${defaulted.id}`, { expiresAt: null }, { jwt: owner.jwt });
    expect(never.status).toBe(400);
  });

  it('sends security headers', async () => {
    const reply = await fetch(`${sut.url}/api/health`);
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(reply.headers.get('strict-transport-security')).toContain('max-age');
    expect(reply.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('refuses a wrong key before reading the body, with the same headers as any answer', async () => {
    const headers = { 'X-Authorization': `ApiKey NNSXS.${'A'.repeat(39)}.${'B'.repeat(52)}`, 'Content-Type': 'application/json', Origin: 'https://console.example.test' };
    const refused = await fetch(`${sut.url}/api/users/me/api-keys`, { method: 'POST', headers, body: '{"description": broken' });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid API key' });
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://console.example.test');
    // with a valid credential the same body is read, and refused for what it is
    const admin = await world.admin();
    const { key } = await world.makeKey(admin);
    const parsed = await fetch(`${sut.url}/api/users/me/api-keys`, { method: 'POST', headers: { ...headers, 'X-Authorization': `ApiKey ${key}` }, body: '{"description": broken' });
    expect(parsed.status).toBe(400);
  });

  it('answers CORS only for the configured origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${sut.url}/api/rights`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-authorization' } });
    const allowed = await preflight('https://console.example.test');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example.test');
    const refused = await preflight('https://evil.example.test');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS is closed by default', () => {
  it('sends no CORS headers without CORS_ORIGINS', async () => {
    const sut = await startTestApp();
    try {
      const reply = await fetch(`${sut.url}/api/health`, { headers: { Origin: 'https://anywhere.example.test' } });
      expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await sut.close();
    }
  });
});

describe('audit trail', () => {
  let sut: TestApp;
  let world: World;

  beforeAll(async () => {
    sut = await startTestApp({ TRUST_PROXY: 'true' });
    world = new World(sut);
  });
  afterAll(() => sut.close());

  it('records who did what to a key, when and from where, and failed authentications aggregated', async () => {
    const owner = await world.makeTenantAdmin();
    const created = await world.makeKey(owner, { rights: ['RIGHT_USER_INFO'] });
    const path = `/api/users/me/api-keys/${created.id}`;
    const as = { jwt: owner.jwt };
    await world.client.call('PATCH', path, as, { description: 'renamed', rights: ['RIGHT_USER_INFO', 'RIGHT_USER_SETTINGS_BASIC'] }, { 'X-Forwarded-For': '192.0.2.7' });
    await world.client.patch(path, { enabled: false }, as);
    for (let i = 0; i < 4; i++) await world.client.get('/api/rights', { key: created.key });
    await world.client.patch(path, { enabled: true }, as);
    for (let i = 0; i < 3; i++) await world.client.get('/api/rights', { key: `${created.key.slice(0, -4)}AAAA` });
    await sut.app.get(AuthFailures).flush();

    const events = await world.client.get(`${path}/events?pageSize=50`, as);
    expect(events.status).toBe(200);
    const byAction = (action: string) => events.body.data.filter((e: { action: string }) => e.action === action);
    expect(byAction('API_KEY_CREATED')).toEqual([expect.objectContaining({ actorUserId: owner.id, targetUserId: owner.id, apiKeyId: created.id, clientIp: '127.0.0.1' })]);
    expect(byAction('API_KEY_UPDATED')[0]).toMatchObject({
      clientIp: '192.0.2.7',
      details: { description: { to: 'renamed' }, rights: { from: ['RIGHT_USER_INFO'], to: ['RIGHT_USER_INFO', 'RIGHT_USER_SETTINGS_BASIC'] } },
    });
    expect(byAction('API_KEY_DISABLED')).toHaveLength(1);
    expect(byAction('API_KEY_ENABLED')).toHaveLength(1);
    const failures = byAction('API_KEY_AUTH_FAILED');
    expect(failures.map((f: { count: number; details: { reason: string } }) => [f.details.reason, f.count]).sort()).toEqual([
      ['API key is disabled', 4],
      ['Invalid API key', 3],
    ]);
    expect(JSON.stringify(events.body)).not.toContain(created.key.split('.')[2]);

    await world.client.delete(path, as);
    const audit = await world.client.get(`/api/audit?apiKeyId=${created.id}&action=API_KEY_DELETED`, { jwt: owner.jwt });
    expect(audit.body.data).toEqual([expect.objectContaining({ action: 'API_KEY_DELETED', actorUserId: owner.id })]);
  });

  it('shows a tenant administrator only its tenant, and a customer user nothing', async () => {
    const admin = await world.admin();
    const tenantA = await world.makeTenantAdmin();
    const tenantB = await world.makeTenantAdmin();
    const keyA = await world.makeKey(tenantA);
    const keyB = await world.makeKey(tenantB);
    const seenBy = async (user: TestUser) =>
      (await world.client.get('/api/audit?pageSize=100', { jwt: user.jwt })).body.data.map((e: { apiKeyId: string }) => e.apiKeyId);
    expect(await seenBy(tenantA)).toContain(keyA.id);
    expect(await seenBy(tenantA)).not.toContain(keyB.id);
    expect(await seenBy(admin)).toEqual(expect.arrayContaining([keyA.id, keyB.id]));
    const customer = await world.makeCustomerUser(tenantA);
    expect((await world.client.get('/api/audit', { jwt: customer.jwt })).body.missingRight).toBe('RIGHT_USER_USERS_READ');
  });
});
