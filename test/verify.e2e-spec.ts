import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../src/api-keys/api-key-format.js';
import { Client, World, type TestUser } from './support/client.js';
import { ACCESS_POLICY_FIXTURE, startTestApp, type TestApp } from './support/test-app.js';

describe('POST /api/keys/verify: another service asks about a key', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  let tenantAdmin: TestUser;
  let otherTenantAdmin: TestUser;
  let customerUser: TestUser;
  /** The tenant's verifier: a service account holding RIGHT_KEYS_VERIFY, and its key. */
  let verifier: string;
  let systemVerifier: string;

  const verify = (body: unknown, key = verifier) => client.post('/api/keys/verify', body, { key, header: 'authorization' });

  beforeAll(async () => {
    sut = await startTestApp({ ACCESS_POLICY_FILE: ACCESS_POLICY_FIXTURE, AUTH_MAX_FAILURES_PER_MINUTE: '5', LAST_USED_FLUSH_SECONDS: '1', AUDIT_FLUSH_SECONDS: '1' });
    world = new World(sut);
    client = world.client;
    const sysAdmin = await world.admin();
    tenantAdmin = await world.makeTenantAdmin();
    otherTenantAdmin = await world.makeTenantAdmin();
    customerUser = await world.makeCustomerUser(tenantAdmin);
    const account = await world.makeServiceAccount(tenantAdmin, { name: 'API backend', rights: ['RIGHT_KEYS_VERIFY'] });
    verifier = (await world.makeAccountKey(account.id, tenantAdmin)).key;
    const system = await world.makeServiceAccount(sysAdmin, { name: 'Edge', rights: ['RIGHT_KEYS_VERIFY'] });
    systemVerifier = (await world.makeAccountKey(system.id, sysAdmin)).key;
  });
  afterAll(() => sut.close());

  it('VALID: the owner with its tenant and customer, the effective rights with groups expanded, the expiry', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const made = await world.makeKey(customerUser, { rights: ['RIGHT_TELEMETRY_READ', 'RIGHT_USER_INFO'], expiresAt });
    const reply = await verify({ key: made.key, rights: ['RIGHT_TELEMETRY_READ'] });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      valid: true,
      code: 'VALID',
      keyId: made.id,
      owner: { type: 'user', id: customerUser.id, tenantId: customerUser.tenantId, customerId: customerUser.customerId },
      rights: ['RIGHT_TELEMETRY_READ', 'RIGHT_USER_INFO'],
      expiresAt,
      metadata: null,
    });
    const account = await world.makeServiceAccount(tenantAdmin, { rights: ['RIGHT_DEVICES_ALL'] });
    const accountKey = await world.makeAccountKey(account.id, tenantAdmin);
    expect((await verify({ key: accountKey.key })).body).toMatchObject({
      valid: true,
      owner: { type: 'serviceAccount', id: account.id, tenantId: tenantAdmin.tenantId, customerId: null },
      rights: ['RIGHT_DEVICES_READ', 'RIGHT_DEVICES_WRITE'],
      expiresAt: null,
    });
  });

  it('records the use: lastUsedAt is written', async () => {
    const made = await world.makeKey(customerUser, { rights: ['RIGHT_TELEMETRY_READ'] });
    await verify({ key: made.key });
    await expect
      .poll(async () => (await sut.db.query('SELECT last_used_at FROM api_keys WHERE id = $1', [made.id]))[0].last_used_at, { timeout: 20_000, interval: 500 })
      .not.toBeNull();
  }, 30_000);

  it('a code for every refusal, and nothing about a key that was not found', async () => {
    const made = await world.makeKey(customerUser, { rights: ['RIGHT_TELEMETRY_READ'] });
    const disabled = await world.makeKey(customerUser);
    await client.patch(`/api/users/${customerUser.id}/api-keys/${disabled.id}`, { enabled: false }, { jwt: customerUser.jwt });
    const wrongSecret = `${made.key.slice(0, -1)}${made.key.endsWith('A') ? 'B' : 'A'}`;
    const cases: Array<[string, unknown, object]> = [
      ['a malformed key', { key: 'not-a-key' }, { valid: false, code: 'MALFORMED' }],
      ['an unknown key', { key: generateApiKey().key }, { valid: false, code: 'NOT_FOUND' }],
      ['a wrong secret', { key: wrongSecret }, { valid: false, code: 'NOT_FOUND' }],
      ['a disabled key', { key: disabled.key }, { valid: false, code: 'DISABLED', keyId: disabled.id }],
      ['a right it lacks', { key: made.key, rights: ['RIGHT_TELEMETRY_READ', 'RIGHT_DEVICES_WRITE'] }, { valid: false, code: 'INSUFFICIENT_RIGHTS', missingRights: ['RIGHT_DEVICES_WRITE'] }],
      ['a group it lacks part of', { key: made.key, rights: ['RIGHT_DEVICES_ALL'] }, { valid: false, code: 'INSUFFICIENT_RIGHTS', missingRights: ['RIGHT_DEVICES_READ', 'RIGHT_DEVICES_WRITE'] }],
    ];
    for (const [name, body, expected] of cases) {
      const reply = await verify(body);
      expect({ name, status: reply.status, body: reply.body }).toEqual({ name, status: 200, body: expect.objectContaining(expected) });
      if ((expected as { code: string }).code === 'NOT_FOUND' || (expected as { code: string }).code === 'MALFORMED') expect(Object.keys(reply.body).sort()).toEqual(['code', 'valid']);
    }
  });

  it('EXPIRED and OWNER_DISABLED', async () => {
    const customer = await world.makeCustomerUser(tenantAdmin);
    const made = await world.makeKey(customer, { expiresAt: new Date(Date.now() + 1500).toISOString() });
    const other = await world.makeKey(customer);
    await new Promise((r) => setTimeout(r, 1600));
    expect((await verify({ key: made.key })).body).toMatchObject({ valid: false, code: 'EXPIRED', keyId: made.id });
    await client.patch(`/api/users/${customer.id}`, { enabled: false }, { jwt: tenantAdmin.jwt });
    expect((await verify({ key: other.key })).body).toMatchObject({ valid: false, code: 'OWNER_DISABLED', keyId: other.id });
  });

  it("another tenant's key is NOT_FOUND to a tenant's verifier, and found by a system-level one", async () => {
    const foreign = await world.makeKey(otherTenantAdmin, { rights: ['RIGHT_TELEMETRY_READ'] });
    expect((await verify({ key: foreign.key })).body).toEqual({ valid: false, code: 'NOT_FOUND' });
    await client.patch(`/api/users/${otherTenantAdmin.id}/api-keys/${foreign.id}`, { enabled: false }, { jwt: otherTenantAdmin.jwt });
    expect((await verify({ key: foreign.key })).body).toEqual({ valid: false, code: 'NOT_FOUND' });
    expect((await verify({ key: foreign.key }, systemVerifier)).body).toMatchObject({ valid: false, code: 'DISABLED', keyId: foreign.id });
    // a tenant administrator's own JWT verifies its tenant's keys
    const mine = await world.makeKey(customerUser);
    expect((await client.post('/api/keys/verify', { key: mine.key }, { jwt: tenantAdmin.jwt })).body).toMatchObject({ valid: true });
  });

  it("RATE_LIMITED once a known key failed past the limit, with retryAfter; other keys are not affected", async () => {
    const made = await world.makeKey(customerUser);
    await client.patch(`/api/users/${customerUser.id}/api-keys/${made.id}`, { enabled: false }, { jwt: customerUser.jwt });
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) codes.push((await verify({ key: made.key })).body.code);
    expect(codes).toEqual(['DISABLED', 'DISABLED', 'DISABLED', 'DISABLED', 'DISABLED', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect((await verify({ key: made.key })).body).toMatchObject({ valid: false, code: 'RATE_LIMITED', retryAfter: expect.any(Number), keyId: made.id });
    const healthy = await world.makeKey(customerUser);
    expect((await verify({ key: healthy.key })).body.code).toBe('VALID');
    // the verifier itself, calling from one address, was never refused
    expect((await verify({ key: generateApiKey().key })).status).toBe(200);
  });

  it('needs RIGHT_KEYS_VERIFY; bad requests are 400', async () => {
    expect((await client.post('/api/keys/verify', { key: 'x' }, { jwt: customerUser.jwt })).body).toMatchObject({ statusCode: 403, missingRight: 'RIGHT_KEYS_VERIFY' });
    expect((await client.post('/api/keys/verify', { key: 'x' })).status).toBe(401);
    for (const body of [{}, { key: 7 }, { key: 'x', rights: ['RIGHT_UNKNOWN'] }, { key: 'x', rights: 'RIGHT_TELEMETRY_READ' }, { key: 'x', extra: 1 }]) {
      const reply = await verify(body);
      expect({ body, status: reply.status, error: reply.body.error }).toEqual({ body, status: 400, error: 'Bad Request' });
    }
  });

  it('a failed verification is on the key\'s audit trail', async () => {
    const made = await world.makeKey(customerUser);
    await client.patch(`/api/users/${customerUser.id}/api-keys/${made.id}`, { enabled: false }, { jwt: customerUser.jwt });
    await verify({ key: made.key });
    await expect
      .poll(async () => (await client.get(`/api/users/${customerUser.id}/api-keys/${made.id}/events`, { jwt: customerUser.jwt })).body.data.map((e: { action: string }) => e.action), { timeout: 40_000, interval: 1000 })
      .toContain('API_KEY_AUTH_FAILED');
  }, 50_000);
});
