import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, World, type TestUser } from './support/client.js';
import { ACCESS_POLICY_FIXTURE, startTestApp, type TestApp } from './support/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const telemetry = (key: string) => ({ headers: { Authorization: `Bearer ${key}`, 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': '/v1/telemetry/t1' } });

describe('Service accounts: keys that belong to no person', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  let sysAdmin: TestUser;
  let tenantAdmin: TestUser;
  let otherTenantAdmin: TestUser;
  let customerUser: TestUser;

  beforeAll(async () => {
    sut = await startTestApp({ ACCESS_POLICY_FILE: ACCESS_POLICY_FIXTURE });
    world = new World(sut);
    client = world.client;
    sysAdmin = await world.admin();
    tenantAdmin = await world.makeTenantAdmin();
    otherTenantAdmin = await world.makeTenantAdmin();
    customerUser = await world.makeCustomerUser(tenantAdmin);
  });
  afterAll(() => sut.close());

  describe('the accounts', () => {
    it('a tenant administrator creates one in its tenant, and it is stored as answered', async () => {
      const reply = await client.post('/api/service-accounts', { name: '  Telemetry ingest ', description: 'Pushes readings', rights: ['RIGHT_TELEMETRY_READ'] }, { jwt: tenantAdmin.jwt });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({
        id: expect.stringMatching(UUID),
        name: 'Telemetry ingest',
        description: 'Pushes readings',
        tenantId: tenantAdmin.tenantId,
        customerId: null,
        enabled: true,
        rights: ['RIGHT_TELEMETRY_READ'],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const [row] = await sut.db.query('SELECT name, tenant_id, customer_id, enabled, rights FROM service_accounts WHERE id = $1', [reply.body.id]);
      expect(row).toEqual({ name: 'Telemetry ingest', tenant_id: tenantAdmin.tenantId, customer_id: null, enabled: true, rights: ['RIGHT_TELEMETRY_READ'] });
    });

    it('a customer-level account sits in a customer of the tenant; another tenant\'s customer is 404', async () => {
      const customerId = await world.makeCustomer(tenantAdmin);
      const made = await client.post('/api/service-accounts', { name: 'Building 7 gateway', customerId, rights: ['RIGHT_DEVICES_READ'] }, { jwt: tenantAdmin.jwt });
      expect(made).toMatchObject({ status: 201, body: { tenantId: tenantAdmin.tenantId, customerId } });
      const foreign = await client.post('/api/service-accounts', { name: 'x', customerId, rights: ['RIGHT_DEVICES_READ'] }, { jwt: otherTenantAdmin.jwt });
      expect(foreign.status).toBe(404);
    });

    it('a system administrator creates system-level accounts, which may read metrics; a tenant one may not', async () => {
      const system = await client.post('/api/service-accounts', { name: 'Prometheus', rights: ['RIGHT_METRICS_READ', 'RIGHT_KEYS_VERIFY'] }, { jwt: sysAdmin.jwt });
      expect(system).toMatchObject({ status: 201, body: { tenantId: null, customerId: null, rights: ['RIGHT_METRICS_READ', 'RIGHT_KEYS_VERIFY'] } });
      const tenant = await client.post('/api/service-accounts', { name: 'Scraper', rights: ['RIGHT_METRICS_READ'] }, { jwt: tenantAdmin.jwt });
      expect(tenant).toMatchObject({ status: 400, body: { message: expect.stringContaining('RIGHT_METRICS_READ') } });
      const placed = await client.post('/api/service-accounts', { name: 'Elsewhere', tenantId: tenantAdmin.tenantId, rights: ['RIGHT_ALL'] }, { jwt: sysAdmin.jwt });
      expect(placed.status).toBe(403);
      const outside = await client.post('/api/service-accounts', { name: 'Elsewhere', tenantId: otherTenantAdmin.tenantId, rights: ['RIGHT_ALL'] }, { jwt: tenantAdmin.jwt });
      expect(outside.status).toBe(403);
    });

    it.each([
      ['keygate management rights', ['RIGHT_USER_USERS_WRITE'], 400],
      ['RIGHT_USER_ALL', ['RIGHT_USER_ALL'], 400],
      ['an unknown right', ['RIGHT_NOT_THERE'], 400],
      ['a malformed right', ['telemetry'], 400],
      ['no rights', [], 400],
      ['a group of the policy', ['RIGHT_DEVICES_ALL'], 201],
      ['RIGHT_ALL', ['RIGHT_ALL'], 201],
    ])('rights: %s → %s', async (_name, rights, status) => {
      const reply = await client.post('/api/service-accounts', { name: 'rights check', rights }, { jwt: tenantAdmin.jwt });
      expect(reply.status).toBe(status);
    });

    it('customer users cannot manage accounts; a tenant administrator sees only its own tenant\'s', async () => {
      const mine = await world.makeServiceAccount(tenantAdmin, { name: 'Listed one' });
      expect((await client.get('/api/service-accounts', { jwt: customerUser.jwt })).body).toMatchObject({ statusCode: 403, missingRight: 'RIGHT_USER_SERVICE_ACCOUNTS' });
      const listed = await client.get('/api/service-accounts?textSearch=listed&sortProperty=name&sortOrder=ASC', { jwt: tenantAdmin.jwt });
      expect(listed).toMatchObject({ status: 200, body: { totalElements: 1, hasNext: false, data: [{ id: mine.id, name: 'Listed one' }] } });
      expect((await client.get('/api/service-accounts?textSearch=listed', { jwt: otherTenantAdmin.jwt })).body.totalElements).toBe(0);
      expect((await client.get(`/api/service-accounts/${mine.id}`, { jwt: otherTenantAdmin.jwt })).status).toBe(403);
      expect((await client.get(`/api/service-accounts/${mine.id}`, { jwt: sysAdmin.jwt })).status).toBe(403);
      expect((await client.get('/api/service-accounts/00000000-0000-4000-8000-000000000000', { jwt: tenantAdmin.jwt })).status).toBe(404);
      expect((await client.get('/api/service-accounts/not-an-id', { jwt: tenantAdmin.jwt })).status).toBe(404);
    });

    it("every change to an account is on its tenant's audit trail, with who made it", async () => {
      const account = await world.makeServiceAccount(tenantAdmin, { name: 'Audited', rights: ['RIGHT_TELEMETRY_READ'] });
      await client.patch(`/api/service-accounts/${account.id}`, { enabled: false, name: 'Audited twice', rights: ['RIGHT_TELEMETRY_READ', 'RIGHT_DEVICES_READ'] }, { jwt: tenantAdmin.jwt });
      await client.delete(`/api/service-accounts/${account.id}`, { jwt: tenantAdmin.jwt });
      const events = await sut.db.query(`SELECT action, actor_user_id, tenant_id, details FROM audit_events WHERE details->>'serviceAccountId' = $1 ORDER BY id`, [account.id]);
      expect(events.map((e: { action: string }) => e.action)).toEqual(['SERVICE_ACCOUNT_CREATED', 'SERVICE_ACCOUNT_DISABLED', 'SERVICE_ACCOUNT_UPDATED', 'SERVICE_ACCOUNT_DELETED']);
      expect(events.every((e: { actor_user_id: string; tenant_id: string }) => e.actor_user_id === tenantAdmin.id && e.tenant_id === tenantAdmin.tenantId)).toBe(true);
      expect(events[2].details.changed).toEqual({
        name: { from: 'Audited', to: 'Audited twice' },
        rights: { from: ['RIGHT_TELEMETRY_READ'], to: ['RIGHT_TELEMETRY_READ', 'RIGHT_DEVICES_READ'] },
      });
      const listed = await client.get('/api/audit?action=SERVICE_ACCOUNT_CREATED', { jwt: tenantAdmin.jwt });
      expect(listed.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'SERVICE_ACCOUNT_CREATED', details: expect.objectContaining({ serviceAccountId: account.id }) })]));
    });

    it('PATCH changes only the fields sent; nobody grants what they lack', async () => {
      const account = await world.makeServiceAccount(tenantAdmin, { rights: ['RIGHT_TELEMETRY_READ'] });
      const renamed = await client.patch(`/api/service-accounts/${account.id}`, { name: 'Renamed', description: null }, { jwt: tenantAdmin.jwt });
      expect(renamed).toMatchObject({ status: 200, body: { name: 'Renamed', description: null, rights: ['RIGHT_TELEMETRY_READ'], enabled: true } });
      // a tenant administrator's key holding only RIGHT_USER_SERVICE_ACCOUNTS cannot hand out device rights
      const narrow = await world.makeKey(tenantAdmin, { rights: ['RIGHT_USER_SERVICE_ACCOUNTS'] });
      const grant = await client.patch(`/api/service-accounts/${account.id}`, { rights: ['RIGHT_TELEMETRY_READ', 'RIGHT_DEVICES_WRITE'] }, { key: narrow.key });
      expect(grant).toMatchObject({ status: 403, body: { missingRights: ['RIGHT_DEVICES_WRITE'] } });
      const [row] = await sut.db.query('SELECT rights FROM service_accounts WHERE id = $1', [account.id]);
      expect(row.rights).toEqual(['RIGHT_TELEMETRY_READ']);
    });
  });

  describe('their keys', () => {
    it('are created, listed, read, edited and deleted like a user\'s, with ownerType and ownerId', async () => {
      const account = await world.makeServiceAccount(tenantAdmin, { rights: ['RIGHT_TELEMETRY_READ', 'RIGHT_KEYS_VERIFY'] });
      const base = `/api/service-accounts/${account.id}/api-keys`;
      const created = await client.post(base, { description: 'ingest-01' }, { jwt: tenantAdmin.jwt });
      expect(created.status).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
      expect(created.body).toMatchObject({ ownerType: 'serviceAccount', ownerId: account.id, userId: null, rights: ['RIGHT_ALL'], status: 'ACTIVE', key: expect.stringMatching(/^NNSXS\./) });
      const [row] = await sut.db.query('SELECT user_id, service_account_id FROM api_keys WHERE id = $1', [created.body.id]);
      expect(row).toEqual({ user_id: null, service_account_id: account.id });

      expect((await client.get(base, { jwt: tenantAdmin.jwt })).body).toMatchObject({ totalElements: 1, data: [{ id: created.body.id, ownerType: 'serviceAccount' }] });
      expect((await client.get(`${base}/${created.body.id}`, { jwt: tenantAdmin.jwt })).body).not.toHaveProperty('key');
      expect((await client.get(base, { jwt: otherTenantAdmin.jwt })).status).toBe(403);
      expect((await client.get(`/api/users/${tenantAdmin.id}/api-keys/${created.body.id}`, { jwt: tenantAdmin.jwt })).status).toBe(404);

      // the key works at once, for what its account may do
      expect((await client.call('GET', '/api/forward-auth', telemetry(created.body.key))).status).toBe(200);
      const patched = await client.patch(`${base}/${created.body.id}`, { enabled: false }, { jwt: tenantAdmin.jwt });
      expect(patched).toMatchObject({ status: 200, body: { enabled: false, status: 'DISABLED' } });
      expect((await client.call('GET', '/api/forward-auth', telemetry(created.body.key))).status).toBe(401);
      expect((await client.delete(`${base}/${created.body.id}`, { jwt: tenantAdmin.jwt })).status).toBe(204);
      expect((await client.get(`${base}/${created.body.id}`, { jwt: tenantAdmin.jwt })).status).toBe(404);
      const events = await sut.db.query('SELECT action FROM audit_events WHERE api_key_id = $1 ORDER BY id', [created.body.id]);
      expect(events.map((e: { action: string }) => e.action)).toEqual(['API_KEY_CREATED', 'API_KEY_DISABLED', 'API_KEY_DELETED']);
    });

    it("hold at most their account's rights, and never a user right", async () => {
      const account = await world.makeServiceAccount(tenantAdmin, { rights: ['RIGHT_TELEMETRY_READ'] });
      const { key } = await world.makeAccountKey(account.id, tenantAdmin, { rights: ['RIGHT_ALL'] });
      expect((await client.call('GET', '/api/forward-auth', { headers: { ...telemetry(key).headers, 'X-Forwarded-Uri': '/v1/devices/1' } })).body).toMatchObject({
        statusCode: 403,
        missingRight: 'RIGHT_DEVICES_READ',
      });
      expect(await client.get('/api/auth/user', { key })).toMatchObject({ status: 403, body: { missingRight: 'RIGHT_USER_INFO' } });
      expect((await client.get('/api/users/me/api-keys', { key })).status).toBe(403);
      expect((await client.get('/api/rights', { key })).status).toBe(200);
      // a right no account may hold is refused outright; one its account lacks is stored and grants nothing, as for users
      const refused = await client.post(`/api/service-accounts/${account.id}/api-keys`, { description: 'x', rights: ['RIGHT_USER_INFO'] }, { jwt: tenantAdmin.jwt });
      expect(refused).toMatchObject({ status: 400, body: { message: expect.stringContaining('A service account cannot hold RIGHT_USER_INFO') } });
      const lacking = await world.makeAccountKey(account.id, tenantAdmin, { rights: ['RIGHT_DEVICES_READ'] });
      expect((await client.call('GET', '/api/forward-auth', { headers: { ...telemetry(lacking.key).headers, 'X-Forwarded-Uri': '/v1/devices/1' } })).status).toBe(403);
    });

    it('stop on the next request when the account is disabled, loses a right, is deleted, or its tenant is', async () => {
      const tenantId = await world.makeTenant();
      const admin = await world.makeTenantAdmin(tenantId);
      const account = await world.makeServiceAccount(admin, { rights: ['RIGHT_TELEMETRY_READ', 'RIGHT_DEVICES_READ'] });
      const { key } = await world.makeAccountKey(account.id, admin);
      const devices = { headers: { ...telemetry(key).headers, 'X-Forwarded-Uri': '/v1/devices/1' } };
      expect((await client.call('GET', '/api/forward-auth', telemetry(key))).status).toBe(200);
      expect((await client.call('GET', '/api/forward-auth', devices)).status).toBe(200);

      await client.patch(`/api/service-accounts/${account.id}`, { rights: ['RIGHT_TELEMETRY_READ'] }, { jwt: admin.jwt });
      expect((await client.call('GET', '/api/forward-auth', devices)).status).toBe(403);
      expect((await client.call('GET', '/api/forward-auth', telemetry(key))).status).toBe(200);

      await client.patch(`/api/service-accounts/${account.id}`, { enabled: false }, { jwt: admin.jwt });
      expect((await client.call('GET', '/api/forward-auth', telemetry(key))).body).toMatchObject({ statusCode: 401, message: "API key's owner is disabled" });
      await client.patch(`/api/service-accounts/${account.id}`, { enabled: true }, { jwt: admin.jwt });
      expect((await client.call('GET', '/api/forward-auth', telemetry(key))).status).toBe(200);

      // an operator's SQL is heard too
      await sut.db.query('UPDATE service_accounts SET enabled = false WHERE id = $1', [account.id]);
      await expect.poll(async () => (await client.call('GET', '/api/forward-auth', telemetry(key))).status, { timeout: 2000 }).toBe(401);
      await sut.db.query('UPDATE service_accounts SET enabled = true WHERE id = $1', [account.id]);
      await expect.poll(async () => (await client.call('GET', '/api/forward-auth', telemetry(key))).status, { timeout: 2000 }).toBe(200);

      expect((await client.delete(`/api/tenants/${tenantId}`, { jwt: sysAdmin.jwt })).status).toBe(204);
      expect((await client.call('GET', '/api/forward-auth', telemetry(key))).status).toBe(401);
      expect(await sut.db.query('SELECT id FROM service_accounts WHERE id = $1', [account.id])).toEqual([]);
    });

    it('are deleted with their account', async () => {
      const account = await world.makeServiceAccount(tenantAdmin, { rights: ['RIGHT_TELEMETRY_READ'] });
      const { key, id } = await world.makeAccountKey(account.id, tenantAdmin);
      expect((await client.call('GET', '/api/forward-auth', telemetry(key))).status).toBe(200);
      expect((await client.delete(`/api/service-accounts/${account.id}`, { jwt: tenantAdmin.jwt })).status).toBe(204);
      expect((await client.call('GET', '/api/forward-auth', telemetry(key))).status).toBe(401);
      expect(await sut.db.query('SELECT id FROM api_keys WHERE id = $1', [id])).toEqual([]);
      expect((await client.get(`/api/service-accounts/${account.id}`, { jwt: tenantAdmin.jwt })).status).toBe(404);
    });
  });
});
