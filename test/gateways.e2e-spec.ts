import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World, type TestUser } from './support/client.js';
import {
  CADDY,
  caddySiteBlock,
  hasCaddy,
  hasNginx,
  NGINX,
  nginxServerBlock,
  send,
  startCaddy,
  startEchoUpstream,
  startNginx,
  type EchoUpstream,
  type Gateway,
  type GatewayReply,
  type GatewayRoutes,
} from './support/gateways.js';
import { startTestApp, type TestApp } from './support/test-app.js';

if (!hasNginx) console.warn(`nginx gateway tests skipped: no nginx at ${NGINX} (apt-get install nginx, or set NGINX_PATH)`);
if (!hasCaddy) console.warn(`Caddy gateway tests skipped: no caddy at ${CADDY} (apt-get install caddy, or set CADDY_PATH)`);

const ACCESS_POLICY_FILE = fileURLToPath(new URL('./fixtures/access-policy.json', import.meta.url));
/** Low, so that a client with wrong keys is refused within a few requests. */
const FAILURES_PER_MINUTE = 5;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A well-formed key that names no key keygate knows, so only the client's address counts its failures. */
function unknownKey(): string {
  const part = (length: number) => Array.from({ length }, () => BASE32[randomInt(32)]).join('');
  return `NNSXS.${part(39)}.${part(52)}`;
}

/** The rights a header lists, in a stable order. */
function rightsIn(value: string | string[] | undefined): string[] {
  return String(value ?? '')
    .split(',')
    .map((right) => right.trim())
    .filter(Boolean)
    .sort();
}

/** What keygate put in the identity headers, as the upstream (or the gateway, for a direct ask) received them. */
function identity(headers: Record<string, string | string[] | undefined>) {
  return {
    ownerType: headers['x-keygate-owner-type'],
    ownerId: headers['x-keygate-owner-id'],
    tenantId: headers['x-keygate-tenant-id'],
    // keygate sends it empty when there is none; nginx and Caddy then pass none
    customerId: headers['x-keygate-customer-id'] || undefined,
    keyId: headers['x-keygate-key-id'] || undefined,
    rights: rightsIn(headers['x-keygate-rights']),
  };
}

const NO_IDENTITY = { ownerType: undefined, ownerId: undefined, tenantId: undefined, customerId: undefined, keyId: undefined, rights: [] };

describe('forward authentication for gateways', () => {
  let sut: TestApp;
  let world: World;
  let upstream: EchoUpstream;
  let tenantAdmin: TestUser;
  let customerUser: TestUser;
  /** The tenant administrator's keys (telemetry and devices; telemetry only) and its customer user's read-only key. */
  let devicesKey: { id: string; key: string };
  let telemetryKey: { id: string; key: string };
  let customerKey: { id: string; key: string };
  /** A backend's key: it belongs to a service account of the tenant, not to a person. */
  let serviceAccount: { id: string; tenantId: string };
  let serviceAccountKey: { id: string; key: string };
  /** Each test is a client of its own (127.0.0.10, 127.0.0.11 and on), so one test's failures never limit another. */
  let lastClient = 9;
  const nextClient = () => `127.0.0.${++lastClient}`;

  beforeAll(async () => {
    sut = await startTestApp({ ACCESS_POLICY_FILE, TRUST_PROXY: '127.0.0.1', AUTH_MAX_FAILURES_PER_MINUTE: String(FAILURES_PER_MINUTE) });
    world = new World(sut);
    upstream = await startEchoUpstream();
    tenantAdmin = await world.makeTenantAdmin();
    customerUser = await world.makeCustomerUser(tenantAdmin);
    devicesKey = await world.makeKey(tenantAdmin, { rights: ['RIGHT_TELEMETRY_READ', 'RIGHT_DEVICES_ALL'] });
    telemetryKey = await world.makeKey(tenantAdmin, { rights: ['RIGHT_TELEMETRY_READ'] });
    customerKey = await world.makeKey(customerUser, { rights: ['RIGHT_DEVICES_READ'] });
    const account = await world.client.post('/api/service-accounts', { name: 'telemetry ingest', rights: ['RIGHT_TELEMETRY_READ'] }, { jwt: tenantAdmin.jwt });
    expect(account.status, JSON.stringify(account.body)).toBe(201);
    serviceAccount = account.body;
    const accountKey = await world.client.post(`/api/service-accounts/${serviceAccount.id}/api-keys`, { description: 'ingest worker' }, { jwt: tenantAdmin.jwt });
    expect(accountKey.status, JSON.stringify(accountKey.body)).toBe(201);
    serviceAccountKey = accountKey.body;
  });
  afterAll(async () => {
    await upstream?.close();
    await sut?.close();
  });

  const routes = (): GatewayRoutes => ({ keygate: new URL(sut.url).host, upstream: `127.0.0.1:${upstream.port}` });

  describe.each([
    { name: 'nginx (auth_request)', available: hasNginx, start: startNginx },
    { name: 'Caddy (forward_auth)', available: hasCaddy, start: startCaddy },
  ])('through real $name', ({ available, start }) => {
    let gateway: Gateway | undefined;

    beforeAll(async () => {
      if (available) gateway = await start(routes());
    });
    afterAll(() => gateway?.close());

    /** One request from a client of its own, through the gateway. */
    function through(path: string, options: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {}): Promise<GatewayReply> {
      return send(`${gateway!.url}${path}`, { from: nextClient(), ...options });
    }

    /** The upstream answered: its echo of the request it got. */
    function reachedUpstream(reply: GatewayReply) {
      expect(reply.headers['x-echo-upstream'], `status ${reply.status} ${JSON.stringify(reply.body)}\n${gateway!.log()}`).toBe('yes');
      return reply.body as { method: string; url: string; headers: Record<string, string> };
    }

    /** Refused by keygate, as the client sees it: keygate's JSON error, and the upstream never asked. */
    function refused(reply: GatewayReply, status: number) {
      expect({ status: reply.status, type: reply.headers['content-type'] }, `${JSON.stringify(reply.body)}\n${gateway!.log()}`).toEqual({
        status,
        type: expect.stringMatching(/^application\/json/),
      });
      expect(reply.headers['x-echo-upstream']).toBeUndefined();
      expect(reply.body).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(String) });
      return reply.body;
    }

    it.skipIf(!available)('lets anyone through to a public route, and passes no identity, not even one the client made up', async () => {
      const reply = await through('/v1/status', { headers: { 'X-Keygate-Owner-Id': 'someone-else', 'X-Keygate-Rights': 'RIGHT_ALL' } });
      expect(reply.status).toBe(200);
      const seen = reachedUpstream(reply);
      expect(seen).toMatchObject({ method: 'GET', url: '/v1/status' });
      expect(identity(seen.headers)).toEqual(NO_IDENTITY);
    });

    it.skipIf(!available).each([
      ['X-Authorization: ApiKey <key>', (key: string) => ({ 'X-Authorization': `ApiKey ${key}` })],
      ['Authorization: Bearer <key>', (key: string) => ({ Authorization: `Bearer ${key}` })],
    ])('passes a key in %s on to the upstream with whose it is, over what the client claimed', async (_style, header) => {
      const spoofed = { 'X-Keygate-Owner-Id': 'someone-else', 'X-Keygate-Rights': 'RIGHT_ALL', 'X-Keygate-Customer-Id': 'not-mine', 'X-Keygate-Owner-Type': 'serviceAccount' };
      const reply = await through('/v1/devices/42?page=2', { headers: { ...header(devicesKey.key), ...spoofed } });
      expect(reply.status).toBe(200);
      const seen = reachedUpstream(reply);
      expect(seen).toMatchObject({ method: 'GET', url: '/v1/devices/42?page=2' });
      expect(identity(seen.headers)).toEqual({
        ownerType: 'user',
        ownerId: tenantAdmin.id,
        tenantId: tenantAdmin.tenantId,
        customerId: undefined,
        keyId: devicesKey.id,
        rights: ['RIGHT_DEVICES_READ', 'RIGHT_DEVICES_WRITE', 'RIGHT_TELEMETRY_READ'],
      });
    });

    it.skipIf(!available)("names a customer user's customer and tenant", async () => {
      const reply = await through('/v1/devices/7', { headers: { Authorization: `Bearer ${customerKey.key}` } });
      expect(reply.status).toBe(200);
      expect(identity(reachedUpstream(reply).headers)).toEqual({
        ownerType: 'user',
        ownerId: customerUser.id,
        tenantId: tenantAdmin.tenantId,
        customerId: customerUser.customerId,
        keyId: customerKey.id,
        rights: ['RIGHT_DEVICES_READ'],
      });
    });

    it.skipIf(!available)("names a service account's key as its owner, with the account's rights", async () => {
      const reply = await through('/v1/telemetry/temperature', { headers: { Authorization: `Bearer ${serviceAccountKey.key}` } });
      expect(reply.status).toBe(200);
      expect(identity(reachedUpstream(reply).headers)).toEqual({
        ownerType: 'serviceAccount',
        ownerId: serviceAccount.id,
        tenantId: tenantAdmin.tenantId,
        customerId: undefined,
        keyId: serviceAccountKey.id,
        rights: ['RIGHT_TELEMETRY_READ'],
      });
      expect(refused(await through('/v1/devices/7', { headers: { Authorization: `Bearer ${serviceAccountKey.key}` } }), 403)).toMatchObject({ missingRight: 'RIGHT_DEVICES_READ' });
    });

    it.skipIf(!available)('passes a JWT on with its user and no key id, even when the client sent one', async () => {
      const reply = await through('/v1/devices/42', { method: 'DELETE', headers: { Authorization: `Bearer ${tenantAdmin.jwt}`, 'X-Keygate-Key-Id': 'MADEUP' } });
      expect(reply.status).toBe(200);
      const seen = reachedUpstream(reply);
      expect(seen).toMatchObject({ method: 'DELETE', url: '/v1/devices/42' });
      const { rights, ...who } = identity(seen.headers);
      expect(who).toEqual({ ownerType: 'user', ownerId: tenantAdmin.id, tenantId: tenantAdmin.tenantId, customerId: undefined, keyId: undefined });
      expect(rights).toEqual(expect.arrayContaining(['RIGHT_DEVICES_READ', 'RIGHT_DEVICES_WRITE', 'RIGHT_TELEMETRY_READ']));
    });

    it.skipIf(!available)('refuses a request without credentials with 401 and WWW-Authenticate', async () => {
      const reply = await through('/v1/devices/42');
      refused(reply, 401);
      expect(reply.headers['www-authenticate']).toEqual(expect.any(String));
    });

    it.skipIf(!available)('decides on the request the gateway received, whatever original request the client claims', async () => {
      const claims = { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': '/v1/status', 'X-Original-Method': 'GET', 'X-Original-URI': '/v1/status' };
      refused(await through('/v1/devices/42', { method: 'DELETE', headers: claims }), 401);
    });

    it.skipIf(!available)("refuses a key without the route's right with 403 naming the right", async () => {
      const allowed = await through('/v1/telemetry/temperature', { headers: { 'X-Authorization': `ApiKey ${telemetryKey.key}` } });
      expect(allowed.status).toBe(200);
      reachedUpstream(allowed);
      const reply = await through('/v1/devices/1', {
        method: 'POST',
        headers: { 'X-Authorization': `ApiKey ${telemetryKey.key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'pump 1' }),
      });
      expect(refused(reply, 403)).toMatchObject({ missingRight: 'RIGHT_DEVICES_WRITE' });
    });

    it.skipIf(!available)('refuses a route the access policy does not name (deny by default), whatever the key holds', async () => {
      refused(await through('/v1/firmware/1', { headers: { Authorization: `Bearer ${devicesKey.key}` } }), 403);
      refused(await through('/v1/status', { method: 'DELETE', headers: { Authorization: `Bearer ${tenantAdmin.jwt}` } }), 403);
    });

    it.skipIf(!available)('refuses a key on the very next request after it is disabled', async () => {
      const key = await world.makeKey(tenantAdmin, { rights: ['RIGHT_TELEMETRY_READ'] });
      const headers = { 'X-Authorization': `ApiKey ${key.key}` };
      reachedUpstream(await through('/v1/telemetry/pressure', { headers }));
      const disabled = await world.client.patch(`/api/users/me/api-keys/${key.id}`, { enabled: false }, { jwt: tenantAdmin.jwt });
      expect(disabled.status).toBe(200);
      expect(refused(await through('/v1/telemetry/pressure', { headers }), 401)).toMatchObject({ message: 'API key is disabled' });
    });

    it.skipIf(!available)("answers a key past its rateLimit 429 with Retry-After and the RateLimit headers, as keygate does", async () => {
      const key = await world.makeKey(tenantAdmin, { rights: ['RIGHT_TELEMETRY_READ'], rateLimit: { limit: 2, windowSeconds: 60 } });
      const headers = { Authorization: `Bearer ${key.key}` };
      for (let use = 0; use < 2; use++) reachedUpstream(await through('/v1/telemetry/pressure', { headers }));
      const limited = await through('/v1/telemetry/pressure', { headers });
      expect(refused(limited, 429)).toMatchObject({ reason: 'RATE_LIMITED' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers['ratelimit-policy']).toMatch(/;q=2;w=60$/);
      expect(limited.headers.ratelimit).toMatch(/;r=0;t=\d+$/);
    });

    it.skipIf(!available)('answers a client with too many wrong keys 429 with Retry-After (never 500), and still lets its neighbour in', async () => {
      const limited = nextClient();
      const statuses: number[] = [];
      let last: GatewayReply | undefined;
      for (let attempt = 0; attempt < FAILURES_PER_MINUTE + 2; attempt++) {
        // a new X-Forwarded-For each time: the gateway, not the client, says where a request comes from
        last = await through('/v1/devices/42', { from: limited, headers: { Authorization: `Bearer ${unknownKey()}`, 'X-Forwarded-For': `203.0.113.${attempt}` } });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([...Array(FAILURES_PER_MINUTE).fill(401), 429, 429]);
      refused(last!, 429);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);

      const neighbour = await through('/v1/devices/42', { from: nextClient(), headers: { 'X-Authorization': `ApiKey ${devicesKey.key}` } });
      expect(neighbour.status).toBe(200);
      expect(identity(reachedUpstream(neighbour).headers).keyId).toBe(devicesKey.id);
    });
  });

  /** What a gateway that is not packaged here sends, sent by the test as the gateway on 127.0.0.1 would. */
  function askAs(client: string, method: string, path: string, headers: Record<string, string>): Promise<GatewayReply> {
    return send(`${sut.url}${path}`, { method, headers: { 'X-Forwarded-For': client, ...headers } });
  }

  /** A refusal as keygate answers a gateway: the JSON body, and the same status and body in its own headers. */
  function refusedToGateway(reply: GatewayReply, status: number) {
    expect(reply.status, JSON.stringify(reply.body)).toBe(status);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.body).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(String) });
    expect(reply.headers['x-keygate-status']).toBe(String(status));
    expect(JSON.parse(String(reply.headers['x-keygate-error']))).toEqual(reply.body);
    return reply.body;
  }

  describe("Traefik's ForwardAuth request (X-Forwarded-Method, X-Forwarded-Uri)", () => {
    const traefik = (client: string, method: string, uri: string, headers: Record<string, string> = {}) =>
      askAs(client, 'GET', '/api/forward-auth', { 'X-Forwarded-Method': method, 'X-Forwarded-Uri': uri, 'X-Forwarded-Proto': 'http', 'X-Forwarded-Host': 'api.example.test', ...headers });

    it('allows with the identity headers for the middleware to copy (authResponseHeaders)', async () => {
      const reply = await traefik('198.51.100.1', 'PUT', '/v1/devices/7?dry=1', { 'X-Authorization': `ApiKey ${devicesKey.key}` });
      expect(reply.status).toBe(200);
      expect(reply.body).toBeUndefined();
      expect(identity(reply.headers as Record<string, string>)).toEqual({
        ownerType: 'user',
        ownerId: tenantAdmin.id,
        tenantId: tenantAdmin.tenantId,
        customerId: undefined,
        keyId: devicesKey.id,
        rights: ['RIGHT_DEVICES_READ', 'RIGHT_DEVICES_WRITE', 'RIGHT_TELEMETRY_READ'],
      });
      expect(reply.headers['x-keygate-customer-id']).toBe('');
    });

    it('allows a public route without identity headers', async () => {
      const reply = await traefik('198.51.100.2', 'GET', '/v1/status');
      expect(reply.status).toBe(200);
      expect(identity(reply.headers as Record<string, string>)).toEqual(NO_IDENTITY);
    });

    it('refuses without credentials (401, WWW-Authenticate), a missing right (403) and an unnamed route (403)', async () => {
      const anonymous = await traefik('198.51.100.3', 'GET', '/v1/devices/7');
      refusedToGateway(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toEqual(expect.any(String));
      const writing = await traefik('198.51.100.3', 'POST', '/v1/devices/7', { Authorization: `Bearer ${telemetryKey.key}` });
      expect(refusedToGateway(writing, 403)).toMatchObject({ missingRight: 'RIGHT_DEVICES_WRITE' });
      refusedToGateway(await traefik('198.51.100.3', 'GET', '/v1/firmware/7', { Authorization: `Bearer ${devicesKey.key}` }), 403);
    });

    it("counts wrong keys per client address: 429 with Retry-After for one, the other's key still allowed", async () => {
      const statuses: number[] = [];
      let last: GatewayReply | undefined;
      for (let attempt = 0; attempt <= FAILURES_PER_MINUTE; attempt++) {
        last = await traefik('198.51.100.4', 'GET', '/v1/devices/7', { Authorization: `Bearer ${unknownKey()}` });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([...Array(FAILURES_PER_MINUTE).fill(401), 429]);
      refusedToGateway(last!, 429);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      const other = await traefik('198.51.100.5', 'GET', '/v1/devices/7', { Authorization: `Bearer ${devicesKey.key}` });
      expect(other.status).toBe(200);
    });
  });

  describe("nginx's auth_request subrequest (X-Original-Method, X-Original-URI), asked directly", () => {
    it('answers a rate-limited client 403, which auth_request passes on, with the true 429 and Retry-After in headers', async () => {
      const nginx = (headers: Record<string, string>) => askAs('198.51.100.6', 'GET', '/api/forward-auth', { 'X-Original-Method': 'GET', 'X-Original-URI': '/v1/devices/7', ...headers });
      for (let attempt = 0; attempt < FAILURES_PER_MINUTE; attempt++) expect((await nginx({ Authorization: `Bearer ${unknownKey()}` })).status).toBe(401);
      const reply = await nginx({ Authorization: `Bearer ${unknownKey()}` });
      expect(reply.status).toBe(403);
      expect(reply.headers['x-keygate-status']).toBe('429');
      expect(JSON.parse(String(reply.headers['x-keygate-error']))).toMatchObject({ statusCode: 429 });
      expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe("Envoy's ext_authz HTTP request (path_prefix /api/forward-auth: the original method and path)", () => {
    const envoy = (client: string, method: string, path: string, headers: Record<string, string> = {}) =>
      askAs(client, method, `/api/forward-auth${path}`, { 'Content-Length': '0', ...headers });

    it('allows with the identity headers for allowed_upstream_headers', async () => {
      const reply = await envoy('198.51.100.7', 'POST', '/v1/devices/7', { Authorization: `Bearer ${devicesKey.key}` });
      expect(reply.status).toBe(200);
      expect(identity(reply.headers as Record<string, string>)).toMatchObject({ ownerType: 'user', ownerId: tenantAdmin.id, keyId: devicesKey.id });
      const withJwt = await envoy('198.51.100.7', 'GET', '/v1/telemetry/temperature?from=0', { Authorization: `Bearer ${customerUser.jwt}` });
      expect(withJwt.status).toBe(200);
      expect(identity(withJwt.headers as Record<string, string>)).toMatchObject({ ownerId: customerUser.id, customerId: customerUser.customerId, keyId: undefined });
    });

    it('allows a public route without credentials, and refuses by the original method and path', async () => {
      const open = await envoy('198.51.100.8', 'GET', '/v1/status');
      expect(open.status).toBe(200);
      expect(identity(open.headers as Record<string, string>)).toEqual(NO_IDENTITY);
      refusedToGateway(await envoy('198.51.100.8', 'GET', '/v1/devices/7'), 401);
      expect(refusedToGateway(await envoy('198.51.100.8', 'DELETE', '/v1/devices/7', { 'X-Authorization': `ApiKey ${telemetryKey.key}` }), 403)).toMatchObject({
        missingRight: 'RIGHT_DEVICES_WRITE',
      });
      refusedToGateway(await envoy('198.51.100.8', 'GET', '/v1/firmware/7', { 'X-Authorization': `ApiKey ${devicesKey.key}` }), 403);
    });
  });
});

describe('docs/gateways.md', () => {
  const documented = readFileSync(fileURLToPath(new URL('../docs/gateways.md', import.meta.url)), 'utf8');
  const documentedRoutes = { keygate: '127.0.0.1:3000', upstream: '127.0.0.1:8080' };

  it('shows the nginx and Caddy configurations these tests run', () => {
    expect(documented).toContain(nginxServerBlock('80', documentedRoutes));
    expect(documented).toContain(caddySiteBlock('api.example.com', documentedRoutes));
  });
});
