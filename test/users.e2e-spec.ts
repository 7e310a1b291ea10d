import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, World, type TestUser } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('users, tenants and customers: who manages whom', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  const people: Record<string, TestUser> = {};

  beforeAll(async () => {
    sut = await startTestApp();
    world = new World(sut);
    client = world.client;
    people.sysAdmin = await world.admin();
    people.sysAdmin2 = await world.makeSysAdmin();
    const tenantA = await world.makeTenant('Tenant A');
    const tenantB = await world.makeTenant('Tenant B');
    people.tenantAdminA = await world.makeTenantAdmin(tenantA);
    people.tenantAdminA2 = await world.makeTenantAdmin(tenantA);
    people.tenantAdminB = await world.makeTenantAdmin(tenantB);
    people.customerUserA = await world.makeCustomerUser(people.tenantAdminA);
    people.customerUserA2 = await world.makeCustomerUser(people.tenantAdminA);
    people.customerUserB = await world.makeCustomerUser(people.tenantAdminB);
  });
  afterAll(() => sut.close());

  const idOf = (target: string) => (target === 'unknown' ? UNKNOWN : target === 'me' ? 'me' : people[target]!.id);

  // (caller, target) -> status of GET /api/users/{target}; PATCH of a name behaves the same
  const table: Array<[string, string, number]> = [
    ['sysAdmin', 'me', 200],
    ['sysAdmin', 'sysAdmin2', 200],
    ['sysAdmin', 'tenantAdminA', 200],
    ['sysAdmin', 'tenantAdminB', 200],
    ['sysAdmin', 'customerUserA', 403],
    ['sysAdmin', 'unknown', 404],
    ['tenantAdminA', 'me', 200],
    ['tenantAdminA', 'tenantAdminA2', 200],
    ['tenantAdminA', 'customerUserA', 200],
    ['tenantAdminA', 'sysAdmin', 403],
    ['tenantAdminA', 'tenantAdminB', 403],
    ['tenantAdminA', 'customerUserB', 403],
    ['tenantAdminA', 'unknown', 404],
    ['customerUserA', 'me', 200],
    ['customerUserA', 'customerUserA', 200],
    ['customerUserA', 'customerUserA2', 403],
    ['customerUserA', 'tenantAdminA', 403],
    ['customerUserA', 'unknown', 403],
  ];

  it.each(table)('%s reads user %s: %i', async (caller, target, status) => {
    const reply = await client.get(`/api/users/${idOf(target)}`, { jwt: people[caller]!.jwt });
    expect(reply.status).toBe(status);
    if (status === 200) expect(reply.body.id).toBe(target === 'me' ? people[caller]!.id : people[target]!.id);
    else expect(reply.body).toMatchObject({ statusCode: status, message: expect.any(String) });
  });

  it.each(table)('%s edits user %s: %i', async (caller, target, status) => {
    const reply = await client.patch(`/api/users/${idOf(target)}`, { lastName: `edited by ${caller}` }, { jwt: people[caller]!.jwt });
    expect(reply.status).toBe(status);
    if (target !== 'unknown' && target !== 'me') {
      const [row] = await sut.db.query('SELECT last_name FROM users WHERE id = $1', [people[target]!.id]);
      if (status === 200) expect(row.last_name).toBe(`edited by ${caller}`);
      else expect(row.last_name).not.toBe(`edited by ${caller}`);
    }
  });

  it('names the missing right in a 403', async () => {
    const reply = await client.get(`/api/users`, { jwt: people.customerUserA!.jwt });
    expect(reply).toMatchObject({ status: 403, body: { missingRight: 'RIGHT_USER_USERS_READ', message: 'Missing right RIGHT_USER_USERS_READ' } });
  });

  it.each([
    ['sysAdmin', { authority: 'SYS_ADMIN' }, 201],
    ['sysAdmin', { authority: 'TENANT_ADMIN', tenantId: 'A' }, 201],
    ['sysAdmin', { authority: 'TENANT_ADMIN' }, 400],
    ['sysAdmin', { authority: 'TENANT_ADMIN', tenantId: UNKNOWN }, 404],
    ['sysAdmin', { authority: 'CUSTOMER_USER', tenantId: 'A', customerId: 'A' }, 403],
    ['tenantAdminA', { authority: 'TENANT_ADMIN' }, 201],
    ['tenantAdminA', { authority: 'CUSTOMER_USER', customerId: 'A' }, 201],
    ['tenantAdminA', { authority: 'CUSTOMER_USER' }, 400],
    ['tenantAdminA', { authority: 'CUSTOMER_USER', customerId: 'B' }, 404],
    ['tenantAdminA', { authority: 'TENANT_ADMIN', tenantId: 'B' }, 403],
    ['tenantAdminA', { authority: 'SYS_ADMIN' }, 403],
    ['customerUserA', { authority: 'CUSTOMER_USER', customerId: 'A' }, 403],
  ] as Array<[string, { authority: string; tenantId?: string; customerId?: string }, number]>)('%s creates %o: %i', async (caller, fields, status) => {
    const place = (ref: string | undefined, of: 'tenantId' | 'customerId') =>
      ref === 'A' ? people.customerUserA![of] : ref === 'B' ? people.customerUserB![of] : ref;
    const email = `created-${Math.random().toString(36).slice(2)}@example.test`;
    const body = { email, password: 'password-1234', ...fields, tenantId: place(fields.tenantId, 'tenantId'), customerId: place(fields.customerId, 'customerId') };
    const reply = await client.post('/api/users', body, { jwt: people[caller]!.jwt });
    expect(reply.status).toBe(status);
    const rows = await sut.db.query('SELECT authority, tenant_id FROM users WHERE email = $1', [email]);
    expect(rows).toHaveLength(status === 201 ? 1 : 0);
    if (status === 201) expect(reply.body).toMatchObject({ email, authority: fields.authority, enabled: true });
    if (status === 201) expect(reply.body).not.toHaveProperty('password');
  });

  it.each([
    ['an email already taken', (email: string) => ({ email, password: 'password-1234', authority: 'SYS_ADMIN' }), 409],
    ['a malformed email', () => ({ email: 'not-an-email', password: 'password-1234', authority: 'SYS_ADMIN' }), 400],
    ['a short password', () => ({ email: 'short@example.test', password: 'short', authority: 'SYS_ADMIN' }), 400],
    ['an unknown authority', () => ({ email: 'x@example.test', password: 'password-1234', authority: 'ROOT' }), 400],
    ['an unknown field', () => ({ email: 'y@example.test', password: 'password-1234', authority: 'SYS_ADMIN', isAdmin: true }), 400],
    ['a tenant id that is not a UUID', () => ({ email: 'z@example.test', password: 'password-1234', authority: 'TENANT_ADMIN', tenantId: 'abc' }), 400],
    ['a wrong type', () => ({ email: 'w@example.test', password: ['password-1234'], authority: 'SYS_ADMIN' }), 400],
  ])('refuses a user with %s and writes nothing', async (_name, body, status) => {
    const [{ count: before }] = await sut.db.query('SELECT count(*)::int AS count FROM users');
    const reply = await client.post('/api/users', body(people.tenantAdminA!.email), { jwt: people.sysAdmin!.jwt });
    expect(reply.status).toBe(status);
    expect(reply.body).toMatchObject({ statusCode: status, message: expect.anything() });
    const [{ count: after }] = await sut.db.query('SELECT count(*)::int AS count FROM users');
    expect(after).toBe(before);
  });

  it('lists only the users the caller manages, paged, searched and sorted', async () => {
    const bySys = await client.get('/api/users?pageSize=100', { jwt: people.sysAdmin!.jwt });
    expect(bySys.status).toBe(200);
    expect(new Set(bySys.body.data.map((u: { authority: string }) => u.authority))).toEqual(new Set(['SYS_ADMIN', 'TENANT_ADMIN']));
    const byTenant = await client.get('/api/users?pageSize=100', { jwt: people.tenantAdminA!.jwt });
    expect(byTenant.body.data.every((u: { tenantId: string }) => u.tenantId === people.tenantAdminA!.tenantId)).toBe(true);
    expect(byTenant.body.data.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([people.customerUserA!.id, people.tenantAdminA2!.id]));
    expect(byTenant.body.data.map((u: { id: string }) => u.id)).not.toContain(people.customerUserB!.id);

    const page = await client.get('/api/users?page=0&pageSize=2&sortProperty=email&sortOrder=ASC', { jwt: people.tenantAdminA!.jwt });
    expect(page.body).toMatchObject({ totalElements: byTenant.body.totalElements, totalPages: Math.ceil(byTenant.body.totalElements / 2), hasNext: true });
    expect(page.body.data).toHaveLength(2);
    expect(page.body.data[0].email < page.body.data[1].email).toBe(true);

    const search = await client.get(`/api/users?textSearch=${encodeURIComponent(people.customerUserA!.email)}`, { jwt: people.tenantAdminA!.jwt });
    expect(search.body.data.map((u: { id: string }) => u.id)).toEqual([people.customerUserA!.id]);
    expect((await client.get('/api/users?sortProperty=passwordHash', { jwt: people.sysAdmin!.jwt })).status).toBe(400);
    expect((await client.get('/api/users?pageSize=1000', { jwt: people.sysAdmin!.jwt })).status).toBe(400);
  });

  it('lets nobody enable or disable their own account, and keeps the last system administrator', async () => {
    expect((await client.patch('/api/users/me', { enabled: false }, { jwt: people.tenantAdminA!.jwt })).status).toBe(403);
    expect((await client.patch('/api/users/me', { firstName: 'Ann' }, { jwt: people.customerUserA!.jwt })).body.firstName).toBe('Ann');
    expect((await client.delete('/api/users/me', { jwt: people.customerUserA!.jwt })).body.missingRight).toBe('RIGHT_USER_DELETE');
  });

  it('deletes a managed user, whose tokens then stop working', async () => {
    const victim = await world.makeCustomerUser(people.tenantAdminA!);
    expect((await client.delete(`/api/users/${victim.id}`, { jwt: people.tenantAdminB!.jwt })).status).toBe(403);
    expect((await client.delete(`/api/users/${victim.id}`, { jwt: people.tenantAdminA!.jwt })).status).toBe(204);
    expect(await sut.db.query('SELECT id FROM users WHERE id = $1', [victim.id])).toHaveLength(0);
    expect((await client.get('/api/auth/user', { jwt: victim.jwt })).status).toBe(401);
    expect((await client.delete(`/api/users/${victim.id}`, { jwt: people.tenantAdminA!.jwt })).status).toBe(404);
  });

  it('manages tenants as system administrator only, and deleting one deletes its users', async () => {
    const tenantId = await world.makeTenant('Doomed tenant');
    const doomedAdmin = await world.makeTenantAdmin(tenantId);
    const list = await client.get('/api/tenants?textSearch=Doomed', { jwt: people.sysAdmin!.jwt });
    expect(list.body).toMatchObject({ totalElements: 1, data: [{ id: tenantId, name: 'Doomed tenant' }] });
    expect((await client.get('/api/tenants', { jwt: people.tenantAdminA!.jwt })).body.missingRight).toBe('RIGHT_USER_TENANTS');
    expect((await client.post('/api/tenants', { name: '' }, { jwt: people.sysAdmin!.jwt })).status).toBe(400);
    expect((await client.delete(`/api/tenants/${tenantId}`, { jwt: people.sysAdmin!.jwt })).status).toBe(204);
    expect(await sut.db.query('SELECT id FROM users WHERE tenant_id = $1', [tenantId])).toHaveLength(0);
    expect((await client.get('/api/auth/user', { jwt: doomedAdmin.jwt })).status).toBe(401);
    expect((await client.delete(`/api/tenants/${tenantId}`, { jwt: people.sysAdmin!.jwt })).status).toBe(404);
  });

  it("manages customers within the caller's own tenant", async () => {
    const customerId = await world.makeCustomer(people.tenantAdminA!, 'Acme');
    const own = await client.get('/api/customers?textSearch=Acme', { jwt: people.tenantAdminA!.jwt });
    expect(own.body.data.map((c: { id: string }) => c.id)).toEqual([customerId]);
    expect((await client.get('/api/customers?textSearch=Acme', { jwt: people.tenantAdminB!.jwt })).body.totalElements).toBe(0);
    expect((await client.delete(`/api/customers/${customerId}`, { jwt: people.tenantAdminB!.jwt })).status).toBe(404);
    expect((await client.get('/api/customers', { jwt: people.sysAdmin!.jwt })).status).toBe(403);
    expect((await client.get('/api/customers', { jwt: people.customerUserA!.jwt })).body.missingRight).toBe('RIGHT_USER_CUSTOMERS');
    expect((await client.delete(`/api/customers/${customerId}`, { jwt: people.tenantAdminA!.jwt })).status).toBe(204);
    expect(await sut.db.query('SELECT id FROM customers WHERE id = $1', [customerId])).toHaveLength(0);
  });

  it("lists the caller's rights on itself and on a user it manages", async () => {
    const own = await client.get('/api/users/me/rights', { jwt: people.customerUserA!.jwt });
    expect(own.body.rights).toEqual(['RIGHT_USER_INFO', 'RIGHT_USER_SETTINGS_API_KEYS', 'RIGHT_USER_SETTINGS_BASIC']);
    const onOther = await client.get(`/api/users/${people.customerUserA!.id}/rights`, { jwt: people.tenantAdminA!.jwt });
    expect(onOther.body.rights).toEqual(['RIGHT_USER_USERS_API_KEYS', 'RIGHT_USER_USERS_READ', 'RIGHT_USER_USERS_WRITE']);
    expect((await client.get(`/api/users/${people.customerUserB!.id}/rights`, { jwt: people.tenantAdminA!.jwt })).status).toBe(403);
  });
});
