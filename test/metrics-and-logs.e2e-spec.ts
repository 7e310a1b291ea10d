import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World, type As, type TestUser } from './support/client.js';
import { captureOutput, jsonLines } from './support/output.js';
import { rawRequest } from './support/raw-http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** One sample's value from a Prometheus text page: `name{labels}` exactly as written, 0 when absent. */
function sample(page: string, series: string): number {
  const line = page.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('GET /metrics and the JSON logs', () => {
  let sut: TestApp;
  let world: World;
  let sysAdmin: TestUser;
  let tenantAdmin: TestUser;
  let key: string;
  let keyId: string;
  let scraper: As;

  const scrape = async (as: As = { jwt: sysAdmin.jwt }) => {
    const reply = await world.client.call('GET', '/metrics', as, undefined, { Accept: 'text/plain' });
    expect(reply.status).toBe(200);
    return reply.body as string;
  };

  beforeAll(async () => {
    // TRUST_PROXY: a test names its client address in X-Forwarded-For, so its failures limit no other test
    sut = await startTestApp({ LOG_REQUESTS: 'true', LOG_LEVEL: 'log', TRUST_PROXY: '127.0.0.1', AUTH_MAX_FAILURES_PER_MINUTE: '3' });
    world = new World(sut);
    sysAdmin = await world.admin();
    tenantAdmin = await world.makeTenantAdmin();
    ({ key, id: keyId } = await world.makeKey(tenantAdmin));
    const prometheus = await world.makeServiceAccount(sysAdmin, { rights: ['RIGHT_METRICS_READ'] });
    scraper = { key: (await world.makeAccountKey(prometheus.id, sysAdmin)).key, header: 'authorization' };
  });
  afterAll(() => sut.close());

  describe('who may read it', () => {
    const systemAccountKey = async (rights: string[]) =>
      (await world.makeAccountKey((await world.makeServiceAccount(sysAdmin, { rights })).id, sysAdmin)).key as string;
    const table: Array<[string, number, () => Promise<As | undefined>]> = [
      ['nobody (no credentials)', 401, async () => undefined],
      ['a wrong key', 401, async () => ({ key: `${key.slice(0, -4)}AAAA`, header: 'authorization' })],
      ['a tenant administrator', 403, async () => ({ jwt: tenantAdmin.jwt })],
      ["a tenant administrator's key with RIGHT_ALL", 403, async () => ({ key: (await world.makeKey(tenantAdmin, { rights: ['RIGHT_ALL'] })).key })],
      ["a system administrator's key with RIGHT_USER_ALL", 403, async () => ({ key: (await world.makeKey(sysAdmin, { rights: ['RIGHT_USER_ALL'] })).key })],
      ['a tenant-level service account with RIGHT_ALL', 403, async () => ({ key: (await world.makeAccountKey((await world.makeServiceAccount(tenantAdmin)).id, tenantAdmin)).key })],
      ['a system-level service account without RIGHT_METRICS_READ', 403, async () => ({ key: await systemAccountKey(['RIGHT_KEYS_VERIFY']), header: 'authorization' })],
      ['a system administrator (JWT)', 200, async () => ({ jwt: sysAdmin.jwt })],
      ["a system administrator's key with RIGHT_ALL", 200, async () => ({ key: (await world.makeKey(sysAdmin, { rights: ['RIGHT_ALL'] })).key })],
      ['a system-level service account holding RIGHT_METRICS_READ, as Prometheus sends it (Bearer)', 200, async () => scraper],
    ];
    it.each(table)('%s: %i', async (_name, expected, as) => {
      const reply = await world.client.call('GET', '/metrics', await as(), undefined, { Accept: 'text/plain' });
      expect(reply.status).toBe(expected);
      if (expected === 403) expect(reply.body).toMatchObject({ missingRight: 'RIGHT_METRICS_READ' });
      if (expected !== 200) expect(JSON.stringify(reply.body)).not.toContain('keygate_');
    });

    it('is not under /api', async () => {
      expect((await world.client.get('/api/metrics', { jwt: sysAdmin.jwt })).status).toBe(404);
    });
  });

  it('is the Prometheus text format: keygate_ metrics, the process and Node.js ones', async () => {
    const reply = await world.client.call('GET', '/metrics', scraper, undefined, { Accept: 'text/plain' });
    expect(reply.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const page = reply.body as string;
    for (const [name, type] of [
      ['keygate_verifications_total', 'counter'],
      ['keygate_auth_cache_entries', 'gauge'],
      ['keygate_auth_cache_hits_total', 'counter'],
      ['keygate_auth_cache_misses_total', 'counter'],
      ['keygate_http_request_duration_seconds', 'histogram'],
      ['keygate_change_notifications_total', 'counter'],
      ['keygate_change_notifications_lost_total', 'counter'],
      ['keygate_change_notifications_up', 'gauge'],
      ['process_cpu_seconds_total', 'counter'],
      ['process_resident_memory_bytes', 'gauge'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
    ]) {
      expect(page).toContain(`# TYPE ${name} ${type}\n`);
    }
    // the pool of the PostgreSQL server; the embedded database has none
    expect(page.includes('# TYPE keygate_db_pool_connections gauge')).toBe(Boolean(sut.env.DATABASE_URL));
    expect(sample(page, 'keygate_change_notifications_up')).toBe(1);
    const samples = page.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(samples.length).toBeGreaterThan(50);
    for (const line of samples) expect(line).toMatch(/^(keygate|process|nodejs)_[a-z0-9_]+(\{[^}]*\})? (-?[\d.]+(e[+-]?\d+)?|Nan|NaN|\+Inf)$/);
    const own = new Set(page.match(/^# TYPE (\S+)/gm)!.map((line) => line.slice(7)).filter((name) => !/^(process|nodejs)_/.test(name)));
    for (const name of own) expect(name).toMatch(/^keygate_/);
  });

  it('counts verifications by method and outcome, cache hits, durations per route pattern, change notifications', async () => {
    const before = await scrape(scraper);
    const someone = await world.makeTenantAdmin(tenantAdmin.tenantId!);
    for (let i = 0; i < 3; i++) expect((await world.client.get('/api/auth/user', { key })).status).toBe(200);
    expect((await world.client.get('/api/auth/user', { key: `${key.slice(0, -4)}AAAA` })).status).toBe(401);
    expect((await world.client.get('/api/auth/user', { key: 'NNSXS.nope' })).status).toBe(401);
    expect((await world.client.get('/api/auth/user')).status).toBe(401);
    expect((await world.client.get(`/api/users/${someone.id}`, { jwt: tenantAdmin.jwt })).status).toBe(200);
    expect((await world.client.patch(`/api/users/${someone.id}`, { enabled: false }, { jwt: tenantAdmin.jwt })).status).toBe(200);
    expect((await world.client.get('/api/auth/user', { jwt: someone.jwt })).status).toBe(401);
    // past AUTH_MAX_FAILURES_PER_MINUTE from one address, a key never seen gets 429 without a lookup
    const from = { 'X-Forwarded-For': '203.0.113.7' };
    for (let i = 0; i < 3; i++) await world.client.call('GET', '/api/auth/user', { key: `NNSXS.${'A'.repeat(39)}.${'DEFG'[i]!.repeat(52)}` }, undefined, from);
    expect((await world.client.call('GET', '/api/auth/user', { key: `NNSXS.${'B'.repeat(39)}.${'C'.repeat(52)}` }, undefined, from)).status).toBe(429);
    const after = await scrape(scraper);

    const moved = (series: string) => sample(after, series) - sample(before, series);
    // three requests, and the scrape that read `after` (decided before the page was made)
    expect(moved('keygate_verifications_total{method="apiKey",outcome="accepted"}')).toBe(4);
    expect(moved('keygate_verifications_total{method="apiKey",outcome="refused_invalid"}')).toBeGreaterThanOrEqual(1);
    expect(moved('keygate_verifications_total{method="apiKey",outcome="refused_malformed"}')).toBe(1);
    expect(moved('keygate_verifications_total{method="none",outcome="refused_missing"}')).toBe(1);
    expect(moved('keygate_verifications_total{method="jwt",outcome="refused_owner_disabled"}')).toBe(1);
    expect(moved('keygate_verifications_total{method="apiKey",outcome="rate_limited"}')).toBe(1);
    expect(moved('keygate_auth_cache_hits_total{kind="key"}')).toBeGreaterThanOrEqual(3);
    expect(moved('keygate_http_request_duration_seconds_count{method="GET",route="/api/auth/user",status_class="2xx"}')).toBe(3);
    expect(moved('keygate_http_request_duration_seconds_count{method="GET",route="/api/auth/user",status_class="4xx"}')).toBe(8);
    expect(moved('keygate_http_request_duration_seconds_count{method="GET",route="/api/users/:userId",status_class="2xx"}')).toBe(1);
    expect(moved('keygate_http_request_duration_seconds_count{method="PATCH",route="/api/users/:userId",status_class="2xx"}')).toBe(1);
    expect(sample(after, 'keygate_http_request_duration_seconds_bucket{method="GET",route="/api/auth/user",status_class="2xx",le="+Inf"}')).toBe(
      sample(after, 'keygate_http_request_duration_seconds_count{method="GET",route="/api/auth/user",status_class="2xx"}'),
    );
    // disabling the user was announced by the database, and heard
    expect(moved('keygate_change_notifications_total{kind="user"}')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'keygate_auth_cache_entries{kind="key"}')).toBeGreaterThanOrEqual(1);
  });

  describe('a key or JWT pasted into a path', () => {
    const paths = () => [`/api/users/${key}`, `/api/users/${key}/api-keys`, `/metrics/${key}`, `/metrics/${sysAdmin.jwt}`, `/${key}`, `/api/users/${key.toLowerCase()}`];

    it('becomes no metric label: routes are patterns, never paths', async () => {
      for (const path of paths()) expect((await world.client.get(path, { jwt: sysAdmin.jwt })).status).toBeGreaterThanOrEqual(400);
      const page = await scrape();
      expect(page).not.toMatch(/nnsxs/i);
      expect(page).not.toContain(keyId);
      expect(page).not.toContain(key.split('.')[2]!.slice(0, 12));
      expect(page).not.toContain(sysAdmin.jwt.split('.')[1]!);
      expect(sample(page, 'keygate_http_request_duration_seconds_count{method="(any)",route="(unmatched)",status_class="4xx"}')).toBeGreaterThanOrEqual(3);
    });

    it('is redacted in the request log, one JSON line per request, with no credential in any line', async () => {
      const secret = key.split('.')[2]!;
      const log = await captureOutput(async () => {
        for (const path of paths()) {
          await rawRequest(Number(new URL(sut.url).port), `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer ${key}\r\n\r\n`);
        }
        await world.client.get('/api/auth/user', { key });
        await world.client.get('/api/auth/user', { jwt: sysAdmin.jwt });
        await world.client.post('/api/auth/login', { username: sysAdmin.email, password: 'not-the-password' });
      });
      const lines = jsonLines(log);
      const requests = lines.filter((line) => line.context === 'Request');
      expect(requests).toHaveLength(paths().length + 3);
      expect(requests.find((line) => line.route === '/api/users/:userId')).toMatchObject({
        level: 'info',
        method: 'GET',
        path: `/api/users/NNSXS.${keyId}.[REDACTED]`,
        statusCode: expect.any(Number),
        responseTime: expect.any(Number),
        clientIp: '127.0.0.1',
        auth: 'apiKey',
        apiKeyId: keyId,
        reqId: expect.any(String),
        time: expect.any(String),
      });
      expect(requests.find((line) => line.path === `/metrics/NNSXS.${keyId}.[REDACTED]`)).toMatchObject({ statusCode: 404 });
      expect(requests.find((line) => line.path === '/metrics/[REDACTED]')).toMatchObject({ statusCode: 404 });
      expect(requests.find((line) => line.path === '/api/auth/user' && line.auth === 'jwt')).toMatchObject({ statusCode: 200, route: '/api/auth/user' });
      expect(log).not.toContain(secret);
      expect(log.toUpperCase()).not.toContain(secret.slice(0, 12).toUpperCase());
      expect(log).not.toContain(sysAdmin.jwt.split('.')[1]!);
      expect(log).not.toContain(sysAdmin.jwt.split('.')[2]!);
      expect(log).not.toContain('not-the-password');
    });
  });

  it("turns Nest's Logger calls into JSON lines with their context, redacted", async () => {
    const log = await captureOutput(async () => {
      new Logger('Probe').warn(`a client pasted ${key} into a form`);
      new Logger('Probe').error(`failed for ${sysAdmin.jwt}`, `Error: failed\n    at ${key}`);
    });
    const [warned, failed] = jsonLines(log);
    expect(warned).toMatchObject({ level: 'warn', context: 'Probe', msg: `a client pasted NNSXS.${keyId}.[REDACTED] into a form` });
    expect(failed).toMatchObject({ level: 'error', context: 'Probe', msg: 'failed for [REDACTED]', err: { stack: `Error: failed\n    at NNSXS.${keyId}.[REDACTED]` } });
  });
});
