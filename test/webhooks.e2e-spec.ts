import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, World, type TestUser } from './support/client.js';
import { WebhookEvents } from '../src/webhooks/webhook-events.js';
import { createTestDatabase, startTestApp, type TestApp, type TestDatabase } from './support/test-app.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const DAY_MS = 86_400_000;
const ALL_EVENTS = ['API_KEY_CREATED', 'API_KEY_UPDATED', 'API_KEY_DISABLED', 'API_KEY_DELETED', 'API_KEY_ROLLED', 'API_KEY_LEAK_REPORTED', 'API_KEY_EXPIRING'];
/** Small intervals, and a local receiver allowed. */
const FAST = { WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOKS_POLL_MS: '50', WEBHOOKS_EXPIRY_SCAN_MS: '100', WEBHOOKS_TIMEOUT_MS: '3000' };

async function subscribe(client: Client, by: TestUser, receiver: WebhookReceiver, body: Record<string, unknown> = {}): Promise<any> {
  const reply = await client.post('/api/webhooks', { url: receiver.url, events: ALL_EVENTS, ...body }, { jwt: by.jwt });
  if (reply.status !== 201) throw new Error(`webhook: ${reply.status} ${JSON.stringify(reply.body)}`);
  receiver.secret = reply.body.secret;
  return reply.body;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('webhooks: key events reach the right receivers, signed', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  let adminA: TestUser;
  let adminB: TestUser;
  const receivers: WebhookReceiver[] = [];
  const receiver = async () => {
    const r = await WebhookReceiver.start();
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    sut = await startTestApp(FAST);
    world = new World(sut);
    client = world.client;
    adminA = await world.makeTenantAdmin();
    adminB = await world.makeTenantAdmin();
  });
  afterAll(async () => {
    await sut?.close();
    for (const r of receivers) await r.close();
  });

  it('creates a webhook: 201 with a generated secret shown once, listed without it, on the audit trail', async () => {
    const r = await receiver();
    const reply = await client.post('/api/webhooks', { url: r.url, events: ['API_KEY_CREATED'] }, { jwt: adminA.jwt });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.body).toMatchObject({ url: r.url, events: ['API_KEY_CREATED'], tenantId: adminA.tenantId, secret: expect.stringMatching(/^whsec_[\w-]{43}$/) });
    const list = await client.get('/api/webhooks', { jwt: adminA.jwt });
    expect(list.status).toBe(200);
    const listed = list.body.data.find((w: any) => w.id === reply.body.id);
    expect(listed).toEqual({ id: reply.body.id, tenantId: adminA.tenantId, url: r.url, events: ['API_KEY_CREATED'], createdAt: expect.any(String) });
    expect(JSON.stringify(list.body)).not.toContain(reply.body.secret);
    const audit = await client.get('/api/audit?action=WEBHOOK_CREATED', { jwt: adminA.jwt });
    expect(audit.body.data[0].details).toEqual({ webhookId: reply.body.id, url: r.url, events: ['API_KEY_CREATED'] });
    expect(JSON.stringify(audit.body)).not.toContain(reply.body.secret);
    // a secret given is kept, and shown back this once
    const given = await client.post('/api/webhooks', { url: r.url, events: ['API_KEY_DELETED'], secret: 'my-own-secret-0123456789' }, { jwt: adminA.jwt });
    expect(given.body.secret).toBe('my-own-secret-0123456789');
    for (const id of [reply.body.id, given.body.id]) expect((await client.delete(`/api/webhooks/${id}`, { jwt: adminA.jwt })).status).toBe(204);
    const deleted = await client.get('/api/audit?action=WEBHOOK_DELETED', { jwt: adminA.jwt });
    expect(deleted.body.data.map((e: any) => e.details.webhookId)).toEqual(expect.arrayContaining([reply.body.id, given.body.id]));
  });

  it("sends every event type to its tenant's webhook and the system-wide one, never to another tenant's; signed; no secret", async () => {
    const [ofA, ofB, systemWide] = [await receiver(), await receiver(), await receiver()];
    await subscribe(client, adminA, ofA);
    await subscribe(client, adminB, ofB);
    await subscribe(client, await world.admin(), systemWide);

    const key = await world.makeKey(adminA, { description: 'events' });
    await client.patch(`/api/users/me/api-keys/${key.id}`, { description: 'events, renamed' }, { jwt: adminA.jwt });
    const rolled = (await client.post(`/api/users/me/api-keys/${key.id}/roll`, { overlapSeconds: 60 }, { jwt: adminA.jwt })).body;
    await client.patch(`/api/users/me/api-keys/${rolled.id}`, { enabled: false }, { jwt: adminA.jwt });
    await client.patch(`/api/users/me/api-keys/${rolled.id}`, { enabled: true }, { jwt: adminA.jwt });
    await client.delete(`/api/users/me/api-keys/${rolled.id}`, { jwt: adminA.jwt });
    const leaked = await world.makeKey(adminA, { description: 'leaked' });
    expect((await client.post('/api/keys/report-leaked', { keys: [leaked.key] })).status).toBe(202);
    const expiring = await world.makeKey(adminA, { description: 'expiring', expiresAt: new Date(Date.now() + 6 * DAY_MS).toISOString() });
    const account = await world.makeServiceAccount(adminA);
    const accountKey = await world.makeAccountKey(account.id, adminA);

    const expected = ['API_KEY_CREATED', 'API_KEY_UPDATED', 'API_KEY_ROLLED', 'API_KEY_DISABLED', 'API_KEY_DELETED', 'API_KEY_LEAK_REPORTED', 'API_KEY_EXPIRING'];
    const all = (got: { event: any }[]) => expected.every((type) => got.some((r) => r.event.type === type)) && got.some((r) => r.event.data.key.id === accountKey.id) && got.some((r) => r.event.type === 'API_KEY_UPDATED' && r.event.data.key.id === rolled.id) && got.some((r) => r.event.type === 'API_KEY_EXPIRING' && r.event.data.key.id === expiring.id);
    await ofA.waitFor(all);
    await systemWide.waitFor(all);
    for (const r of [ofA, systemWide]) {
      const of = (type: string, id: string) => r.events(type).filter((e) => e.data.key.id === id);
      expect(of('API_KEY_CREATED', key.id)).toHaveLength(1);
      expect(of('API_KEY_CREATED', rolled.id)[0].data.key.rolledFromId).toBe(key.id);
      expect(of('API_KEY_UPDATED', key.id)[0].data.changed.description).toEqual({ from: 'events', to: 'events, renamed' });
      expect(of('API_KEY_ROLLED', key.id)[0].data).toMatchObject({ newKeyId: rolled.id, overlapSeconds: 60 });
      expect(of('API_KEY_DISABLED', rolled.id)).toHaveLength(1);
      expect(of('API_KEY_UPDATED', rolled.id).map((e) => e.data.changed)).toEqual([{ enabled: { from: false, to: true } }]);
      expect(of('API_KEY_DELETED', rolled.id)[0].data.key).toEqual({ id: rolled.id, owner: { type: 'user', id: adminA.id, tenantId: adminA.tenantId, customerId: null } });
      expect(of('API_KEY_LEAK_REPORTED', leaked.id)[0].data).toMatchObject({ disabled: true, key: { enabled: false } });
      expect(of('API_KEY_EXPIRING', expiring.id).map((e) => e.data.threshold)).toEqual([7]);
      expect(of('API_KEY_CREATED', accountKey.id)[0].data.key.owner).toEqual({ type: 'serviceAccount', id: account.id, tenantId: adminA.tenantId, customerId: null });
    }
    const created = ofA.events('API_KEY_CREATED').find((e) => e.data.key.id === key.id);
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'API_KEY_CREATED',
      createdAt: expect.any(String),
      data: { key: { id: key.id, description: 'events', owner: { type: 'user', id: adminA.id, tenantId: adminA.tenantId, customerId: null }, rights: ['RIGHT_ALL'], enabled: true, expiresAt: null, createdAt: expect.any(String), rolledFromId: null } },
    });
    // the same event, with the same id, at both receivers
    expect(systemWide.events('API_KEY_CREATED').some((e) => e.id === created.id)).toBe(true);
    for (const r of [ofA, systemWide]) {
      expect(r.received.every((x) => x.signatureValid)).toBe(true);
      expect(r.received.every((x) => x.headers['content-type'] === 'application/json' && x.headers['x-keygate-event'] === x.event.type)).toBe(true);
      const everything = JSON.stringify(r.received.map((x) => x.event));
      for (const secret of [key.key, rolled.key, leaked.key, expiring.key, accountKey.key]) expect(everything).not.toContain(secret.split('.')[2]);
      expect(everything).not.toMatch(/secretHash|secret_hash/);
    }
    await sleep(300);
    expect(ofB.received).toEqual([]);
    // a signature checked with another secret fails: the receiver's check is real
    const { verifySignature } = await import('./support/webhook-receiver.js');
    const one = ofA.received[0];
    expect(verifySignature('another-secret-0123456789', one.headers['x-keygate-signature'] as string, JSON.stringify(one.event))).toBe(false);
  });

  it('retries a receiver that answers 500, then records the delivery delivered with both attempts', async () => {
    const flaky = await receiver();
    flaky.script.push(500);
    const webhook = await subscribe(client, adminB, flaky, { events: ['API_KEY_CREATED'] });
    const key = await world.makeKey(adminB);
    await flaky.waitFor((got) => got.length >= 1, 5000);
    const first = await client.get(`/api/webhooks/${webhook.id}/deliveries`, { jwt: adminB.jwt });
    expect(first.body.data[0]).toMatchObject({ event: 'API_KEY_CREATED', status: 'PENDING', attempts: [{ statusCode: 500, error: 'the receiver answered 500' }] });
    const due = Date.parse(first.body.data[0].nextAttemptAt) - Date.parse(first.body.data[0].attempts[0].at);
    expect(due).toBeGreaterThanOrEqual(9_000);
    expect(due).toBeLessThanOrEqual(11_000);
    await flaky.waitFor((got) => got.length >= 2, 15_000);
    expect(flaky.received.map((r) => r.event.id)).toEqual([flaky.received[0].event.id, flaky.received[0].event.id]);
    expect(flaky.received.every((r) => r.signatureValid && r.event.data.key.id === key.id)).toBe(true);
    await sleep(200);
    const after = await client.get(`/api/webhooks/${webhook.id}/deliveries`, { jwt: adminB.jwt });
    expect(after.body).toMatchObject({ totalElements: 1, data: [{ status: 'DELIVERED', nextAttemptAt: null, attempts: [{ statusCode: 500 }, { statusCode: 200, error: null }] }] });
  }, 30_000);

  it('a hanging receiver holds up no other webhook; it and a dropped connection are retried', async () => {
    const tenantAdmin = await world.makeTenantAdmin();
    const [hanging, dropping, healthy] = [await receiver(), await receiver(), await receiver()];
    hanging.script.push('hang');
    dropping.script.push('close');
    const hangingHook = await subscribe(client, tenantAdmin, hanging, { events: ['API_KEY_CREATED'] });
    const droppingHook = await subscribe(client, tenantAdmin, dropping, { events: ['API_KEY_CREATED'] });
    await subscribe(client, tenantAdmin, healthy, { events: ['API_KEY_CREATED'] });
    await world.makeKey(tenantAdmin);
    await hanging.waitFor((got) => got.length === 1, 5000);
    const started = Date.now();
    await healthy.waitFor((got) => got.length === 1, 2000);
    // and the API answers meanwhile
    expect((await client.get('/api/webhooks', { jwt: tenantAdmin.jwt })).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    const firstAttempt = async (webhookId: string) => {
      const end = Date.now() + 10_000;
      for (;;) {
        const delivery = (await client.get(`/api/webhooks/${webhookId}/deliveries`, { jwt: tenantAdmin.jwt })).body.data[0];
        if (delivery?.attempts.length) return delivery;
        if (Date.now() > end) throw new Error(`no attempt recorded for ${webhookId}`);
        await sleep(100);
      }
    };
    expect(await firstAttempt(hangingHook.id)).toMatchObject({ status: 'PENDING', attempts: [{ statusCode: null, error: 'no answer in time (timed out)' }] });
    expect(await firstAttempt(droppingHook.id)).toMatchObject({ status: 'PENDING', attempts: [{ statusCode: null, error: expect.stringMatching(/socket hang up|ECONNRESET/) }] });
  }, 30_000);

  it('who manages which: customer users 403, another tenant 404, a system administrator all', async () => {
    const r = await receiver();
    const customer = await world.makeCustomerUser(adminA);
    const ofA = await subscribe(client, adminA, r, { events: ['API_KEY_CREATED'] });
    expect(await client.post('/api/webhooks', { url: r.url, events: ['API_KEY_CREATED'] }, { jwt: customer.jwt })).toMatchObject({ status: 403, body: { missingRight: 'RIGHT_USER_WEBHOOKS' } });
    expect((await client.get('/api/webhooks', { jwt: customer.jwt })).status).toBe(403);
    for (const reply of [await client.delete(`/api/webhooks/${ofA.id}`, { jwt: adminB.jwt }), await client.get(`/api/webhooks/${ofA.id}/deliveries`, { jwt: adminB.jwt })]) {
      expect(reply).toMatchObject({ status: 404, body: { message: `Webhook ${ofA.id} not found` } });
    }
    expect((await client.get('/api/webhooks?pageSize=100', { jwt: adminB.jwt })).body.data.some((w: any) => w.id === ofA.id)).toBe(false);
    expect(await client.post('/api/webhooks', { url: r.url, events: ['API_KEY_CREATED'], tenantId: adminA.tenantId }, { jwt: adminB.jwt })).toMatchObject({ status: 403 });
    const admin = await world.admin();
    expect((await client.get('/api/webhooks?pageSize=100', { jwt: admin.jwt })).body.data.some((w: any) => w.id === ofA.id)).toBe(true);
    const forB = await client.post('/api/webhooks', { url: r.url, events: ['API_KEY_CREATED'], tenantId: adminB.tenantId }, { jwt: admin.jwt });
    expect(forB).toMatchObject({ status: 201, body: { tenantId: adminB.tenantId } });
    expect((await client.get('/api/webhooks?pageSize=100', { jwt: adminB.jwt })).body.data.some((w: any) => w.id === forB.body.id)).toBe(true);
    expect(await client.post('/api/webhooks', { url: r.url, events: ['API_KEY_CREATED'], tenantId: '00000000-0000-4000-8000-000000000000' }, { jwt: admin.jwt })).toMatchObject({ status: 404 });
    expect((await client.get('/api/webhooks/not-a-uuid/deliveries', { jwt: admin.jwt })).status).toBe(404);
    // a key's rights: a key without RIGHT_USER_WEBHOOKS is refused
    const narrow = await world.makeKey(adminA, { rights: ['RIGHT_USER_INFO'] });
    expect(await client.get('/api/webhooks', { key: narrow.key })).toMatchObject({ status: 403, body: { missingRight: 'RIGHT_USER_WEBHOOKS' } });
    expect((await client.get('/api/webhooks', { key: (await world.makeKey(adminA)).key })).status).toBe(200);
    expect((await client.delete(`/api/webhooks/${forB.body.id}`, { jwt: admin.jwt })).status).toBe(204);
  });

  it("deleting a tenant deletes its webhooks and their deliveries", async () => {
    const admin = await world.admin();
    const tenantAdmin = await world.makeTenantAdmin();
    const r = await receiver();
    const webhook = await subscribe(client, tenantAdmin, r, { events: ['API_KEY_CREATED'] });
    await world.makeKey(tenantAdmin);
    await r.waitFor((got) => got.length === 1);
    expect((await client.delete(`/api/tenants/${tenantAdmin.tenantId}`, { jwt: admin.jwt })).status).toBe(204);
    expect(await sut.db.query('SELECT count(*)::int AS n FROM webhooks WHERE id = $1', [webhook.id])).toEqual([{ n: 0 }]);
    expect(await sut.db.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1', [webhook.id])).toEqual([{ n: 0 }]);
  });

  it('warns of an expiring key once per threshold: the nearest one a key is already within', async () => {
    const tenantAdmin = await world.makeTenantAdmin();
    const r = await receiver();
    await subscribe(client, tenantAdmin, r, { events: ['API_KEY_EXPIRING'] });
    const in20Days = await world.makeKey(tenantAdmin, { expiresAt: new Date(Date.now() + 20 * DAY_MS).toISOString() });
    const in12Hours = await world.makeKey(tenantAdmin, { expiresAt: new Date(Date.now() + 12 * 3600_000).toISOString() });
    const in40Days = await world.makeKey(tenantAdmin, { expiresAt: new Date(Date.now() + 40 * DAY_MS).toISOString() });
    await r.waitFor((got) => got.length >= 2);
    await sleep(500);
    const thresholds = Object.fromEntries(r.events().map((e) => [e.data.key.id, e.data.threshold]));
    expect(thresholds).toEqual({ [in20Days.id]: 30, [in12Hours.id]: 1 });
    expect(r.received).toHaveLength(2);
    expect(in40Days.id).toBeDefined();
    // moved within 7 days: the next threshold, once
    await client.patch(`/api/users/me/api-keys/${in20Days.id}`, { expiresAt: new Date(Date.now() + 5 * DAY_MS).toISOString() }, { jwt: tenantAdmin.jwt });
    await r.waitFor((got) => got.length === 3);
    await sleep(500);
    expect(r.events().at(-1).data).toMatchObject({ threshold: 7, key: { id: in20Days.id } });
    expect(r.received).toHaveLength(3);
  });
});

describe('webhooks: refused URLs and bad input', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  let tenantAdmin: TestUser;
  let local: WebhookReceiver;
  const create = (body: Record<string, unknown>) => client.post('/api/webhooks', { events: ['API_KEY_CREATED'], ...body }, { jwt: tenantAdmin.jwt });

  beforeAll(async () => {
    // private addresses not allowed (the default); at most 2 webhooks a tenant
    sut = await startTestApp({ WEBHOOKS_POLL_MS: '50', WEBHOOKS_MAX_PER_TENANT: '2' });
    world = new World(sut);
    client = world.client;
    tenantAdmin = await world.makeTenantAdmin();
    local = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await sut?.close();
    await local?.close();
  });

  it.each([
    ['loopback', 'http://127.0.0.1:8080/hook', '127.0.0.1'],
    ['private', 'http://10.0.0.1/hook', '10.0.0.1'],
    ['link-local (cloud metadata)', 'http://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['IPv6 loopback', 'http://[::1]:8080/hook', '::1'],
    ['IPv4-mapped IPv6 private', 'http://[::ffff:192.168.0.1]/hook', '::ffff:c0a8:1'],
    ['a name resolving to loopback', 'http://localhost:8080/hook', 'localhost does not resolve to a public address'],
    ['not http(s)', 'ftp://93.184.216.34/hook', 'only http and https'],
    ['not a URL', 'hooks.example.com/keygate', 'not an absolute URL'],
    ['a password in it', 'https://user:secret@93.184.216.34/hook', 'user or password'],
  ])('400 for a %s URL', async (_name, url, reason) => {
    const reply = await create({ url });
    expect(reply).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
    expect(reply.body.message).toContain('Webhook URL refused');
    expect(reply.body.message).toContain(reason);
  });

  it.each([
    ['no events', { url: 'http://93.184.216.34/h', events: [] }],
    ['an unknown event', { url: 'http://93.184.216.34/h', events: ['API_KEY_EXPLODED'] }],
    ['an event twice', { url: 'http://93.184.216.34/h', events: ['API_KEY_CREATED', 'API_KEY_CREATED'] }],
    ['events not a list', { url: 'http://93.184.216.34/h', events: 'API_KEY_CREATED' }],
    ['no url', {}],
    ['a url too long', { url: `http://93.184.216.34/${'a'.repeat(2048)}` }],
    ['a secret too short', { url: 'http://93.184.216.34/h', secret: 'short' }],
    ['a secret with spaces', { url: 'http://93.184.216.34/h', secret: 'a secret with spaces in it' }],
    ['an unknown field', { url: 'http://93.184.216.34/h', colour: 'blue' }],
  ])('400 for %s', async (_name, body) => {
    expect(await create(body)).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
  });

  it('accepts a public address, up to the limit per tenant, then 400', async () => {
    for (let i = 0; i < 2; i++) expect((await create({ url: `http://93.184.216.34/hook-${i}` })).status).toBe(201);
    const third = await create({ url: 'http://93.184.216.34/hook-3' });
    expect(third).toMatchObject({ status: 400, body: { message: expect.stringContaining('already has 2 webhooks') } });
  });

  it('refuses to send to a private address at delivery time too (a name that resolves elsewhere now)', async () => {
    const other = await world.makeTenantAdmin();
    // as if the name had resolved to a public address when the webhook was created
    const [{ id: byName }] = await sut.db.query(`INSERT INTO webhooks (tenant_id, url, events, secret) VALUES ($1, $2, '{API_KEY_CREATED}', 'secret-0123456789abcdef') RETURNING id`, [other.tenantId, local.url.replace('127.0.0.1', 'localhost')]);
    const [{ id: byAddress }] = await sut.db.query(`INSERT INTO webhooks (tenant_id, url, events, secret) VALUES ($1, $2, '{API_KEY_CREATED}', 'secret-0123456789abcdef') RETURNING id`, [other.tenantId, local.url]);
    await world.makeKey(other);
    const attempts = async (id: string) => (await client.get(`/api/webhooks/${id}/deliveries`, { jwt: other.jwt })).body.data[0]?.attempts ?? [];
    const end = Date.now() + 5000;
    while ((await attempts(byName)).length === 0 || (await attempts(byAddress)).length === 0) {
      if (Date.now() > end) throw new Error('no attempt within 5 s');
      await sleep(50);
    }
    expect((await attempts(byName))[0]).toMatchObject({ statusCode: null, error: expect.stringContaining('non-public address') });
    expect((await attempts(byAddress))[0]).toMatchObject({ statusCode: null, error: expect.stringContaining('127.0.0.1 is a non-public address') });
    expect(local.received).toEqual([]);
  });
});

describe('webhooks: pending deliveries survive a restart', () => {
  it('a delivery queued by an instance that stopped before sending it is sent by the next one', async () => {
    const database = await createTestDatabase();
    const r = await WebhookReceiver.start();
    // the first instance never polls within the test
    const first = await startTestApp({ WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOKS_POLL_MS: '60000' }, database);
    let second: TestApp | undefined;
    try {
      const world = new World(first);
      const tenantAdmin = await world.makeTenantAdmin();
      await subscribe(world.client, tenantAdmin, r, { events: ['API_KEY_CREATED'] });
      const key = await world.makeKey(tenantAdmin);
      expect(await first.db.query(`SELECT status FROM webhook_deliveries`)).toEqual([{ status: 'PENDING' }]);
      await first.close();
      second = await startTestApp({ WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOKS_POLL_MS: '50' }, database);
      await r.waitFor((got) => got.length === 1);
      expect(r.received[0]).toMatchObject({ signatureValid: true, event: { type: 'API_KEY_CREATED', data: { key: { id: key.id } } } });
      await sleep(200);
      expect(await second.db.query(`SELECT status FROM webhook_deliveries`)).toEqual([{ status: 'DELIVERED' }]);
    } finally {
      await second?.close();
      await r.close();
      await database.drop();
    }
  });
});

describe('webhooks: an expiry warning once per key and threshold, however many scan', () => {
  it('concurrent scans in one instance queue one warning', async () => {
    const sut = await startTestApp({ WEBHOOKS_POLL_MS: '60000', WEBHOOKS_EXPIRY_SCAN_MS: '60000', WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' });
    try {
      const world = new World(sut);
      const tenantAdmin = await world.makeTenantAdmin();
      const r = await WebhookReceiver.start();
      await subscribe(world.client, tenantAdmin, r, { events: ['API_KEY_EXPIRING'] });
      await r.close();
      const key = await world.makeKey(tenantAdmin, { expiresAt: new Date(Date.now() + 6 * DAY_MS).toISOString() });
      const events = sut.app.get(WebhookEvents);
      const counts = await Promise.all(Array.from({ length: 5 }, () => events.warnExpiring()));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
      expect(await sut.db.query(`SELECT api_key_id, threshold_days FROM key_expiry_warnings`)).toEqual([{ api_key_id: key.id, threshold_days: 7 }]);
      expect(await sut.db.query(`SELECT event_type FROM webhook_deliveries`)).toEqual([{ event_type: 'API_KEY_EXPIRING' }]);
    } finally {
      await sut.close();
    }
  });

  describe.skipIf(!process.env.DATABASE_URL)('two instances sharing one PostgreSQL', () => {
    let database: TestDatabase;
    let instances: TestApp[] = [];

    beforeAll(async () => {
      database = await createTestDatabase();
      const env = { ...FAST, WEBHOOKS_EXPIRY_SCAN_MS: '20', WEBHOOKS_POLL_MS: '20' };
      instances = [await startTestApp(env, database), await startTestApp(env, database)];
    });
    afterAll(async () => {
      for (const instance of instances) await instance.close();
      await database?.drop();
    });

    it('each key is warned once at each threshold, and each delivery sent once', async () => {
      const world = new World(instances[0]);
      const tenantAdmin = await world.makeTenantAdmin();
      const r = await WebhookReceiver.start();
      try {
        await subscribe(world.client, tenantAdmin, r, { events: ['API_KEY_EXPIRING'] });
        const keys = await Promise.all([6, 20, 0.5, 6, 20].map((days) => world.makeKey(tenantAdmin, { expiresAt: new Date(Date.now() + days * DAY_MS).toISOString() })));
        await r.waitFor((got) => got.length >= keys.length);
        await sleep(1000);
        const thresholds = r.events().map((e) => `${e.data.key.id}:${e.data.threshold}`).sort();
        expect(thresholds).toEqual([`${keys[0].id}:7`, `${keys[1].id}:30`, `${keys[2].id}:1`, `${keys[3].id}:7`, `${keys[4].id}:30`].sort());
      } finally {
        await r.close();
      }
    });
  });
});
