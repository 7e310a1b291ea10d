import { Logger } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsersService } from '../src/users/users.service.js';
import { Client, World } from './support/client.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from './support/test-app.js';

/** A token signed like keygate's, with any payload and secret. */
function forgeJwt(payload: Record<string, unknown>, secret: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('health, Swagger and login', () => {
  let sut: TestApp;
  let client: Client;
  let world: World;

  beforeAll(async () => {
    sut = await startTestApp();
    world = new World(sut);
    client = world.client;
  });
  afterAll(() => sut.close());

  it('answers liveness and readiness without credentials', async () => {
    expect(await client.get('/api/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await client.get('/api/health/ready')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('serves the OpenAPI document with both security schemes on every protected operation', async () => {
    const { status, body } = await client.get('/swagger-json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(body.components.securitySchemes.apiKey).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Authorization' }));
    expect(body.components.securitySchemes.jwt).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    const operations = Object.entries(body.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
    );
    const publicRoutes = ['POST /api/auth/login', 'POST /api/auth/token', 'GET /api/health', 'GET /api/health/ready', 'POST /api/keys/report-leaked'];
    for (const { route, op } of operations) {
      if (publicRoutes.includes(route)) expect(op.security, route).toEqual([]);
      else expect(op.security, route).toEqual(expect.arrayContaining([{ apiKey: [] }, { jwt: [] }]));
    }
    // DTOs are documented through the CLI plugin: fields, requiredness and validation rules
    const createKey = body.components.schemas.CreateApiKeyDto;
    expect(createKey.required).toEqual(['description']);
    expect(createKey.properties.description).toMatchObject({ type: 'string', minLength: 1, maxLength: 255 });
    const swaggerUi = await fetch(`${sut.url}/swagger`);
    expect(swaggerUi.status).toBe(200);
    expect(await swaggerUi.text()).toContain('swagger-ui');
  });

  it('logs the system administrator in and returns the user with either JWT header', async () => {
    const login = await client.post('/api/auth/login', { username: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ token: expect.any(String), refreshToken: expect.any(String) });
    for (const header of ['authorization', 'x-authorization'] as const) {
      const me = await client.get('/api/auth/user', { jwt: login.body.token, header });
      expect(me.status, header).toBe(200);
      expect(me.body).toMatchObject({ email: ADMIN_EMAIL, authority: 'SYS_ADMIN', authentication: { method: 'jwt', apiKeyId: null } });
      expect(me.body.authentication.rights).toContain('RIGHT_USER_TENANTS');
      expect(me.body).not.toHaveProperty('passwordHash');
    }
  });

  it('refreshes a token pair, and refuses an access token in its place', async () => {
    const { token, refreshToken } = await client.login();
    const refreshed = await client.post('/api/auth/token', { refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await client.get('/api/auth/user', { jwt: refreshed.body.token })).status).toBe(200);
    expect((await client.post('/api/auth/token', { refreshToken: token })).status).toBe(401);
    // a refresh token is not an access token either
    expect((await client.get('/api/auth/user', { jwt: refreshToken })).status).toBe(401);
  });

  it.each([
    ['wrong password', { username: ADMIN_EMAIL, password: 'nope-nope' }, 401],
    ['unknown user', { username: 'nobody@example.test', password: ADMIN_PASSWORD }, 401],
    ['missing password', { username: ADMIN_EMAIL }, 400],
    ['wrong type', { username: ADMIN_EMAIL, password: 12345678 }, 400],
    ['unknown field', { username: ADMIN_EMAIL, password: ADMIN_PASSWORD, admin: true }, 400],
  ])('refuses a login with %s', async (_name, body, status) => {
    const reply = await client.post('/api/auth/login', body);
    expect(reply.status).toBe(status);
    expect(reply.body).toMatchObject({ statusCode: status, message: expect.anything() });
  });

  it('refuses a disabled user at login and its existing tokens at once', async () => {
    const tenantAdmin = await world.makeTenantAdmin();
    const admin = await world.admin();
    expect((await client.patch(`/api/users/${tenantAdmin.id}`, { enabled: false }, { jwt: admin.jwt })).status).toBe(200);
    const login = await client.post('/api/auth/login', { username: tenantAdmin.email, password: tenantAdmin.password });
    expect(login).toMatchObject({ status: 401, body: { message: 'Invalid username or password' } });
    expect((await client.get('/api/auth/user', { jwt: tenantAdmin.jwt })).status).toBe(401);
  });

  it('answers a disabled account with the right password exactly as a wrong password and an unknown user; the audit trail says which', async () => {
    const admin = await world.admin();
    const disabled = await world.makeTenantAdmin();
    const wrongPassword = await world.makeTenantAdmin();
    expect((await client.patch(`/api/users/${disabled.id}`, { enabled: false }, { jwt: admin.jwt })).status).toBe(200);
    const attempts = {
      'User account is disabled': { username: disabled.email, password: disabled.password },
      'Wrong password': { username: wrongPassword.email, password: 'not-the-password' },
      'Unknown username': { username: 'nobody-at-all@example.test', password: disabled.password },
    };
    const logged = vi.spyOn(Logger.prototype, 'warn');
    const replies = [];
    for (const body of Object.values(attempts)) replies.push(await client.post('/api/auth/login', body));
    const lines = logged.mock.calls.map((call) => String(call[0]));
    logged.mockRestore();
    for (const reason of Object.keys(attempts)) expect(lines.some((line) => line.includes(reason))).toBe(true);
    expect(lines.filter((line) => line.includes(disabled.password) || line.includes('not-the-password') || line.includes('$2'))).toEqual([]);
    for (const reply of replies) {
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid username or password' });
      expect([...reply.headers.keys()].sort()).toEqual([...replies[0]!.headers.keys()].sort());
    }

    const events = await client.get('/api/audit?action=LOGIN_FAILED&pageSize=100', { jwt: admin.jwt });
    expect(events.status).toBe(200);
    const about = (userId: string | null) => events.body.data.filter((e: any) => e.targetUserId === userId).map((e: any) => e.details.reason);
    expect(about(disabled.id)).toContain('User account is disabled');
    expect(about(wrongPassword.id)).toEqual(['Wrong password']);
    expect(about(null)).toContain('Unknown username');
    for (const event of events.body.data) expect(event).toMatchObject({ action: 'LOGIN_FAILED', clientIp: '127.0.0.1', actorUserId: null });
    const ofTenant = await client.get(`/api/audit?action=LOGIN_FAILED&userId=${disabled.id}`, { jwt: admin.jwt });
    expect(ofTenant.body.data[0]).toMatchObject({ details: { reason: 'User account is disabled' } });
    const [{ count }] = await sut.db.query(`SELECT count(*)::int AS count FROM audit_events WHERE details::text LIKE $1`, [`%${disabled.password}%`]);
    expect(count).toBe(0);
  });

  it.each([
    ['no header', {}],
    ['an expired JWT', { Authorization: `Bearer ${forgeJwt({ sub: 'x', typ: 'access', exp: 1_000_000 }, 'test-jwt-secret-0123456789abcdef0123456789')}` }],
    ['a forged JWT', { Authorization: `Bearer ${forgeJwt({ sub: 'x', typ: 'access', exp: 9_999_999_999 }, 'not-the-secret')}` }],
    ['a garbled JWT', { Authorization: 'Bearer not.a.jwt' }],
    ['an unknown scheme', { Authorization: 'Basic YWRtaW46YWRtaW4=' }],
    ['a scheme alone', { Authorization: 'Bearer' }],
    ['stray spaces', { Authorization: 'Bearer  abc' }],
  ])('answers %s with a JSON 401', async (_name, headers) => {
    const reply = await client.get('/api/auth/user', { headers });
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
    expect(JSON.stringify(reply.body)).not.toMatch(/at \w+ \(/); // no stack trace
  });

  it('answers malformed JSON and a wrong content type with a JSON 4xx', async () => {
    const malformed = await client.call('POST', '/api/auth/login', undefined, '{"username": ', { 'Content-Type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ statusCode: 400 });
    const text = await client.call('POST', '/api/auth/login', undefined, 'username=a', { 'Content-Type': 'text/plain' });
    // every body keygate takes is JSON: text/plain is refused as any other type is, not read as one string
    expect(text.status).toBe(415);
    expect(text.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type', message: expect.stringContaining('Content-Type: application/json') });
  });

  it('lists the rights catalog to any authenticated caller and to nobody else', async () => {
    const { token } = await client.login();
    const catalog = await client.get('/api/rights', { jwt: token });
    expect(catalog.status).toBe(200);
    expect(catalog.body.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['RIGHT_USER_INFO', 'RIGHT_USER_ALL', 'RIGHT_USER_TENANTS']));
    expect(catalog.body.every((r: { description: string }) => r.description.length > 0)).toBe(true);
    expect((await client.get('/api/rights')).status).toBe(401);
  });
});

/** A login sent from another loopback address (the socket's own, no proxy header), so the server sees another client. */
function loginFrom(localAddress: string, url: string, body: object): Promise<{ status: number; body: any }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sent = request({ host: hostname, port, localAddress, method: 'POST', path: '/api/auth/login', headers: { 'Content-Type': 'application/json' } }, (reply) => {
      let text = '';
      reply.on('data', (chunk) => (text += chunk));
      reply.on('end', () => resolve({ status: reply.statusCode!, body: JSON.parse(text) }));
    });
    sent.on('error', reject);
    sent.end(JSON.stringify(body));
  });
}

describe('password spraying: failed logins limited per address across accounts', () => {
  let sut: TestApp;
  let client: Client;

  beforeAll(async () => {
    sut = await startTestApp({ LOGIN_MAX_FAILURES_PER_ADDRESS: '5' });
    client = new Client(sut.url);
  });
  afterAll(() => sut.close());

  it('answers 429 with Retry-After once an address failed on LOGIN_MAX_FAILURES_PER_ADDRESS accounts, before any password is checked', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await client.post('/api/auth/login', { username: `sprayed-${i}@example.test`, password: 'Winter2025!' })).status).toBe(401);
    }
    const checks = vi.spyOn(sut.app.get(UsersService), 'checkPassword');
    const limited = await client.post('/api/auth/login', { username: 'sprayed-5@example.test', password: 'Winter2025!' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ statusCode: 429, message: expect.stringContaining('retry') });
    // the address as a whole: the right password of an account it never tried waits too
    expect((await client.post('/api/auth/login', { username: ADMIN_EMAIL, password: ADMIN_PASSWORD })).status).toBe(429);
    expect(checks).not.toHaveBeenCalled();
    checks.mockRestore();
    // another address is untouched
    expect(await loginFrom('127.0.0.2', sut.url, { username: ADMIN_EMAIL, password: ADMIN_PASSWORD })).toMatchObject({ status: 200, body: { token: expect.any(String) } });
  });
});
