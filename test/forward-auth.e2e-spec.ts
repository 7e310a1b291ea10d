import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../src/api-keys/api-key-format.js';
import { Client, World, type TestUser } from './support/client.js';
import { ACCESS_POLICY_FIXTURE, startTestApp, type TestApp } from './support/test-app.js';

type Style = 'traefik' | 'nginx' | 'envoy';

/** The request a gateway of `style` sends keygate about `method uri`, with the client's credential headers. */
function asked(style: Style, method: string, uri: string): { method: string; path: string; headers: Record<string, string> } {
  if (style === 'envoy') return { method, path: `/api/forward-auth${uri}`, headers: {} };
  if (style === 'nginx') return { method: 'GET', path: '/api/forward-auth', headers: { 'X-Original-Method': method, 'X-Original-URI': uri } };
  return { method: 'GET', path: '/api/forward-auth', headers: { 'X-Forwarded-Method': method, 'X-Forwarded-Uri': uri } };
}

describe('/api/forward-auth: keygate decides for a gateway', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  let customerUser: TestUser;
  let tenantAdmin: TestUser;
  const credentials: Record<string, Record<string, string>> = {};

  const ask = (style: Style, method: string, uri: string, credential: Record<string, string> = {}, extra: Record<string, string> = {}) => {
    const { method: own, path, headers } = asked(style, method, uri);
    return client.call(own, path, { headers: { ...headers, ...credential, ...extra } });
  };

  beforeAll(async () => {
    sut = await startTestApp({ ACCESS_POLICY_FILE: ACCESS_POLICY_FIXTURE, TRUST_PROXY: '127.0.0.1', AUTH_MAX_FAILURES_PER_MINUTE: '5' });
    world = new World(sut);
    client = world.client;
    tenantAdmin = await world.makeTenantAdmin();
    customerUser = await world.makeCustomerUser(tenantAdmin);
    const readKey = await world.makeKey(customerUser, { rights: ['RIGHT_TELEMETRY_READ', 'RIGHT_DEVICES_READ'] });
    const account = await world.makeServiceAccount(tenantAdmin, { rights: ['RIGHT_DEVICES_ALL'] });
    const accountKey = await world.makeAccountKey(account.id, tenantAdmin);
    credentials.none = {};
    credentials['customer JWT'] = { Authorization: `Bearer ${customerUser.jwt}` };
    credentials['read key (ApiKey)'] = { 'X-Authorization': `ApiKey ${readKey.key}` };
    credentials['read key (Bearer)'] = { Authorization: `Bearer ${readKey.key}` };
    credentials['devices account key'] = { Authorization: `Bearer ${accountKey.key}` };
    credentials['unknown key'] = { Authorization: `Bearer ${generateApiKey().key}` };
  });
  afterAll(() => sut.close());

  // method × path × credential → status, for every gateway's request shape
  const table: Array<[string, string, string, number]> = [
    ['GET', '/v1/status', 'none', 200],
    ['GET', '/v1/status?verbose=1', 'unknown key', 200],
    ['GET', '/v1/telemetry/room-1', 'none', 401],
    ['GET', '/v1/telemetry/room-1', 'unknown key', 401],
    ['GET', '/v1/telemetry/room-1', 'customer JWT', 200],
    ['GET', '/v1/telemetry/room-1', 'read key (ApiKey)', 200],
    ['GET', '/v1/telemetry/room-1', 'read key (Bearer)', 200],
    ['GET', '/v1/telemetry/room-1', 'devices account key', 403],
    ['GET', '/v1/devices/7', 'read key (Bearer)', 200],
    ['HEAD', '/v1/devices/7', 'read key (Bearer)', 200],
    ['POST', '/v1/devices/7', 'read key (Bearer)', 403],
    ['POST', '/v1/devices/7', 'customer JWT', 403],
    ['DELETE', '/v1/devices/7', 'devices account key', 200],
    ['PUT', '/v1/devices', 'devices account key', 200],
    ['GET', '/v1/unlisted', 'devices account key', 403],
    ['POST', '/v1/status', 'none', 403],
  ];
  for (const style of ['traefik', 'nginx', 'envoy'] as const) {
    it.each(table)(`${style}: %s %s with %s → %s`, async (method, uri, credential, status) => {
      const reply = await ask(style, method, uri, credentials[credential]);
      expect(reply.status).toBe(status);
      if (status !== 200) {
        // nginx reads no subrequest body (and could not keep the connection if one were left unread): the header carries it
        const body = JSON.parse(reply.headers.get('x-keygate-error')!);
        expect(body).toMatchObject({ statusCode: status });
        expect(reply.body).toEqual(style === 'nginx' ? undefined : body);
        expect(reply.headers.get('x-keygate-status')).toBe(String(status));
        expect(reply.headers.get('x-keygate-owner-id')).toBeNull();
      }
      if (status === 401) expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="keygate"/);
    });
  }

  it('allowed: the identity headers for the gateway to pass upstream', async () => {
    const key = await world.makeKey(customerUser, { rights: ['RIGHT_DEVICES_ALL', 'RIGHT_TELEMETRY_READ'] });
    const reply = await ask('traefik', 'GET', '/v1/devices/7', { 'X-Authorization': `ApiKey ${key.key}` });
    expect(reply.status).toBe(200);
    expect(Object.fromEntries([...reply.headers].filter(([name]) => name.startsWith('x-keygate-')))).toEqual({
      'x-keygate-owner-type': 'user',
      'x-keygate-owner-id': customerUser.id,
      'x-keygate-tenant-id': customerUser.tenantId,
      'x-keygate-customer-id': customerUser.customerId,
      'x-keygate-key-id': key.id,
      // the customer's own rights cap the key's: a customer user may read devices, not change them
      'x-keygate-rights': 'RIGHT_DEVICES_READ,RIGHT_TELEMETRY_READ',
    });
    const byJwt = await ask('traefik', 'GET', '/v1/telemetry/x', { Authorization: `Bearer ${tenantAdmin.jwt}` });
    expect(byJwt.headers.get('x-keygate-key-id')).toBeNull();
    expect(byJwt.headers.get('x-keygate-customer-id')).toBe('');
    expect(byJwt.headers.get('x-keygate-rights')).toContain('RIGHT_DEVICES_WRITE');
    // a public route says nothing about who called
    const open = await ask('traefik', 'GET', '/v1/status', { 'X-Authorization': `ApiKey ${key.key}` });
    expect(open.headers.get('x-keygate-owner-id')).toBeNull();
  });

  it('a JWT decides beside a key, as on every route', async () => {
    const key = await world.makeKey(customerUser, { rights: ['RIGHT_TELEMETRY_READ'] });
    const reply = await ask('traefik', 'GET', '/v1/telemetry/x', { Authorization: `Bearer ${tenantAdmin.jwt}`, 'X-Authorization': `ApiKey ${key.key}` });
    expect(reply.headers.get('x-keygate-owner-id')).toBe(tenantAdmin.id);
  });

  it('a revoked key is refused on the very next request', async () => {
    const key = await world.makeKey(customerUser, { rights: ['RIGHT_TELEMETRY_READ'] });
    expect((await ask('nginx', 'GET', '/v1/telemetry/x', { Authorization: `Bearer ${key.key}` })).status).toBe(200);
    await client.patch(`/api/users/${customerUser.id}/api-keys/${key.id}`, { enabled: false }, { jwt: customerUser.jwt });
    const refused = await ask('nginx', 'GET', '/v1/telemetry/x', { Authorization: `Bearer ${key.key}` });
    expect(JSON.parse(refused.headers.get('x-keygate-error')!)).toMatchObject({ statusCode: 401, message: 'API key is disabled' });
  });

  it.each([
    ['X-Forwarded-Uri', ['X-Forwarded-Method', 'GET', 'X-Forwarded-Uri', '/v1/telemetry/x', 'X-Forwarded-Uri', '/v1/devices/x'], 400],
    ['X-Forwarded-Method', ['X-Forwarded-Method', 'GET', 'x-forwarded-method', 'GET', 'X-Forwarded-Uri', '/v1/telemetry/x'], 400],
    ['X-Original-URI', ['X-Original-Method', 'GET', 'X-Original-URI', '/v1/telemetry/x', 'x-original-uri', '/v1/devices/x'], 403],
  ])('400 when %s comes twice, whatever the copies say (Node would join them into one URI)', async (name, original, status) => {
    // a key that may read telemetry but not devices: the first copy alone would be allowed
    // headers as a raw list, so that one can come twice (Node adds no Host to such a list)
    const rawHeaders = ['Host', new URL(sut.url).host, 'Authorization', credentials['read key (Bearer)']!.Authorization!, ...original];
    const reply = await new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      const request = http.request(`${sut.url}/api/forward-auth`, { method: 'GET', headers: rawHeaders }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers }));
      });
      request.on('error', reject).end();
    });
    expect(reply.status).toBe(status);
    expect(reply.headers['x-keygate-status']).toBe('400');
    expect(JSON.parse(reply.headers['x-keygate-error'] as string)).toMatchObject({ statusCode: 400, message: `${name} was sent more than once: send it once` });
    expect(reply.headers['x-keygate-owner-id']).toBeUndefined();
  });

  it.each([
    ['no original request at all', 'GET', '/api/forward-auth', {}],
    ['a method without its URI', 'GET', '/api/forward-auth', { 'X-Forwarded-Method': 'GET' }],
    ['a relative URI', 'GET', '/api/forward-auth', { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': 'v1/status' }],
    ['an absolute-form URI', 'GET', '/api/forward-auth', { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': 'http://example.test/v1/status' }],
    ['a dot segment', 'GET', '/api/forward-auth', { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': '/v1/status/../devices/1' }],
    ['an absurd method', 'GET', '/api/forward-auth', { 'X-Forwarded-Method': 'GET /v1', 'X-Forwarded-Uri': '/v1/status' }],
    ['an absurd length', 'GET', '/api/forward-auth', { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': `/v1/${'a'.repeat(9000)}` }],
    // nginx's style is among them: the 400 leaves as 403 (see below), X-Keygate-Status says 400
    ['two styles disagreeing', 'GET', '/api/forward-auth', { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': '/v1/status', 'X-Original-Method': 'DELETE', 'X-Original-URI': '/v1/devices/1' }],
  ])('400 for %s, never a 500', async (_name, method, path, headers) => {
    const reply = await client.call(method, path, { headers });
    expect(reply.status).toBe('X-Original-URI' in headers ? 403 : 400);
    expect(JSON.parse(reply.headers.get('x-keygate-error')!)).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(reply.headers.get('x-keygate-status')).toBe('400');
  });

  it('takes no body: a gateway forwarding a JSON content type with none is answered all the same', async () => {
    const reply = await client.call('POST', '/api/forward-auth/v1/status', { headers: { 'Content-Type': 'application/json' } });
    expect(reply.status).toBe(403);
    const ok = await client.call('POST', '/api/forward-auth', { headers: { 'Content-Type': 'application/json', 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': '/v1/status' } }, '{not json');
    expect(ok.status).toBe(200);
  });

  describe('behind one gateway address', () => {
    const from = (client: string) => ({ 'X-Forwarded-For': client });

    it("one client's wrong keys refuse neither another client nor its own valid key; past the limit it gets 429 with Retry-After", async () => {
      const good = await world.makeKey(customerUser, { rights: ['RIGHT_TELEMETRY_READ'] });
      expect((await ask('traefik', 'GET', '/v1/telemetry/x', { Authorization: `Bearer ${good.key}` }, from('198.51.100.7'))).status).toBe(200);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await ask('traefik', 'GET', '/v1/telemetry/x', { Authorization: `Bearer ${generateApiKey().key}` }, from('198.51.100.7'))).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      const limited = await ask('traefik', 'GET', '/v1/telemetry/x', { Authorization: `Bearer ${generateApiKey().key}` }, from('198.51.100.7'));
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(limited.headers.get('x-keygate-status')).toBe('429');
      // a new key of another client behind the same gateway is checked against the database as usual
      const fresh = await world.makeKey(customerUser, { rights: ['RIGHT_TELEMETRY_READ'] });
      expect((await ask('traefik', 'GET', '/v1/telemetry/x', { Authorization: `Bearer ${fresh.key}` }, from('198.51.100.8'))).status).toBe(200);
      // a key already checked is decided from memory even for the blocked client; a new one waits with it
      expect((await ask('traefik', 'GET', '/v1/telemetry/x', { Authorization: `Bearer ${good.key}` }, from('198.51.100.7'))).status).toBe(200);
      const another = await world.makeKey(customerUser, { rights: ['RIGHT_TELEMETRY_READ'] });
      expect((await ask('traefik', 'GET', '/v1/telemetry/x', { Authorization: `Bearer ${another.key}` }, from('198.51.100.7'))).status).toBe(429);
    });

    it('for nginx, whose auth_request would turn a 429 into a 500, the refusal leaves as 403 with the true status in X-Keygate-Status', async () => {
      for (let i = 0; i < 6; i++) await ask('nginx', 'GET', '/v1/telemetry/x', { Authorization: `Bearer ${generateApiKey().key}` }, from('198.51.100.9'));
      const reply = await ask('nginx', 'GET', '/v1/telemetry/x', { Authorization: `Bearer ${generateApiKey().key}` }, from('198.51.100.9'));
      expect(reply.status).toBe(403);
      expect(reply.headers.get('x-keygate-status')).toBe('429');
      expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(JSON.parse(reply.headers.get('x-keygate-error')!)).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    });

    it("a disabled key's failures count against the key, not the address it shares", async () => {
      const key = await world.makeKey(customerUser, { rights: ['RIGHT_TELEMETRY_READ'] });
      await client.patch(`/api/users/${customerUser.id}/api-keys/${key.id}`, { enabled: false }, { jwt: customerUser.jwt });
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await ask('traefik', 'GET', '/v1/telemetry/x', { Authorization: `Bearer ${key.key}` }, from('198.51.100.10'))).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      // the address shared with it is not blocked: an unknown key from it still gets its 401
      expect((await ask('traefik', 'GET', '/v1/telemetry/x', { Authorization: `Bearer ${generateApiKey().key}` }, from('198.51.100.10'))).status).toBe(401);
    });
  });
});
