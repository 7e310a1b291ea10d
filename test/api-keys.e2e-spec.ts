import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, World, type As, type TestUser } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const KEY_SHAPE = /^NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}$/;

describe('API keys with rights', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  let sysAdmin: TestUser;
  let tenantAdmin: TestUser;
  let otherTenantAdmin: TestUser;
  let customerUser: TestUser;
  const issuedKeys: string[] = [];

  const keysOf = (user: TestUser) => `/api/users/${user.id}/api-keys`;
  async function makeKey(owner: TestUser, body: Record<string, unknown> = {}, by?: As) {
    const created = await world.makeKey(owner, body, by);
    issuedKeys.push(created.key);
    return created;
  }

  beforeAll(async () => {
    sut = await startTestApp();
    world = new World(sut);
    client = world.client;
    sysAdmin = await world.admin();
    tenantAdmin = await world.makeTenantAdmin();
    otherTenantAdmin = await world.makeTenantAdmin();
    customerUser = await world.makeCustomerUser(tenantAdmin);
  });
  afterAll(() => sut.close());

  describe('create and use', () => {
    it('creates a key for oneself, shown once, with all current and future rights by default', async () => {
      const reply = await client.post('/api/users/me/api-keys', { description: 'Production server' }, { jwt: customerUser.jwt });
      expect(reply.status).toBe(201);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(reply.body).toEqual({
        id: expect.stringMatching(/^[A-Z2-7]{39}$/),
        key: expect.stringMatching(KEY_SHAPE),
        ownerType: 'user',
        ownerId: customerUser.id,
        userId: customerUser.id,
        description: 'Production server',
        rights: ['RIGHT_ALL'],
        enabled: true,
        status: 'ACTIVE',
        expiresAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        lastUsedAt: null,
        rolledFromId: null,
        allowedCidrs: null,
        rateLimit: null,
        metadata: null,
      });
      expect(reply.body.key.split('.')[1]).toBe(reply.body.id);
      issuedKeys.push(reply.body.key);
      const [row] = await sut.db.query('SELECT user_id, service_account_id, rights, enabled, expires_at FROM api_keys WHERE id = $1', [reply.body.id]);
      expect(row).toMatchObject({ user_id: customerUser.id, service_account_id: null, rights: ['RIGHT_ALL'], enabled: true, expires_at: null });

      const fetched = await client.get(`/api/users/me/api-keys/${reply.body.id}`, { jwt: customerUser.jwt });
      expect(fetched.status).toBe(200);
      expect(fetched.body).not.toHaveProperty('key');
      expect(fetched.body).not.toHaveProperty('secretHash');
    });

    it("works verbatim in the seed's curl example and as a Bearer token", async () => {
      const { key, id } = await makeKey(customerUser);
      // curl -H 'Accept: application/json' -H 'X-Authorization: ApiKey <key>' http://localhost:3000/api/auth/user
      const seed = await fetch(`${sut.url}/api/auth/user`, { headers: { Accept: 'application/json', 'X-Authorization': `ApiKey ${key}` } });
      expect(seed.status).toBe(200);
      const body = (await seed.json()) as any;
      expect(body).toMatchObject({ id: customerUser.id, authentication: { method: 'apiKey', apiKeyId: id } });
      expect(body.authentication.rights).toEqual(['RIGHT_USER_INFO', 'RIGHT_USER_SETTINGS_API_KEYS', 'RIGHT_USER_SETTINGS_BASIC']);
      const bearer = await client.get('/api/auth/user', { key, header: 'authorization' });
      expect(bearer).toMatchObject({ status: 200, body: { authentication: { method: 'apiKey', apiKeyId: id } } });
    });

    it('decides each of many keys presented at once (looked up together) as its own', async () => {
      const mine = await Promise.all(Array.from({ length: 8 }, () => makeKey(customerUser)));
      const theirs = await Promise.all(Array.from({ length: 8 }, () => makeKey(tenantAdmin)));
      const disabled = await makeKey(customerUser);
      await client.patch(`/api/users/me/api-keys/${disabled.id}`, { enabled: false }, { jwt: customerUser.jwt });
      const wrongSecret = mine[0].key.slice(0, -1) + (mine[0].key.endsWith('A') ? 'B' : 'A');
      const unknown = `NNSXS.${'A'.repeat(39)}.${'B'.repeat(52)}`;
      const both = mine.flatMap((k, i) => [k, theirs[i]]);
      const presented = [...both.map((k) => k.key), disabled.key, wrongSecret, unknown];
      const replies = await Promise.all(presented.map((key) => client.get('/api/auth/user', { key })));
      expect(replies.map((r) => r.status)).toEqual([...Array(16).fill(200), 401, 401, 401]);
      expect(replies.slice(0, 16).map((r) => r.body.authentication.apiKeyId)).toEqual(both.map((k) => k.id));
      expect(replies.slice(0, 16).map((r) => r.body.id)).toEqual(both.map((_, i) => (i % 2 ? tenantAdmin.id : customerUser.id)));
      expect(replies.slice(16).map((r) => r.body.message)).toEqual(['API key is disabled', 'Invalid API key', 'Invalid API key']);
    });

    it('lets an administrator create a key for a user it manages, and for no one else', async () => {
      const forTenantAdmin = await client.post(keysOf(tenantAdmin), { description: 'made by sysadmin' }, { jwt: sysAdmin.jwt });
      expect(forTenantAdmin.status).toBe(201);
      expect(forTenantAdmin.body.userId).toBe(tenantAdmin.id);
      issuedKeys.push(forTenantAdmin.body.key);
      expect((await client.post(keysOf(customerUser), { description: 'x' }, { jwt: tenantAdmin.jwt })).status).toBe(201);
      expect((await client.post(keysOf(customerUser), { description: 'x' }, { jwt: sysAdmin.jwt })).status).toBe(403);
      expect((await client.post(keysOf(customerUser), { description: 'x' }, { jwt: otherTenantAdmin.jwt })).status).toBe(403);
      expect((await client.post(keysOf(tenantAdmin), { description: 'x' }, { jwt: customerUser.jwt })).body.missingRight).toBe('RIGHT_USER_USERS_API_KEYS');
    });
  });

  describe('precedence: a valid JWT decides, then a valid key, else 401', () => {
    // the JWT belongs to the tenant admin, the key to the customer user, so the answer shows who won
    const cases: Array<['valid' | 'invalid' | 'absent', 'valid' | 'invalid' | 'absent', 'jwt' | 'apiKey' | 401]> = [
      ['valid', 'valid', 'jwt'],
      ['valid', 'invalid', 'jwt'],
      ['valid', 'absent', 'jwt'],
      ['invalid', 'valid', 'apiKey'],
      ['invalid', 'invalid', 401],
      ['invalid', 'absent', 401],
      ['absent', 'valid', 'apiKey'],
      ['absent', 'invalid', 401],
      ['absent', 'absent', 401],
    ];
    for (const keyHeader of ['x-authorization', 'authorization'] as const) {
      it.each(cases)(`JWT %s, key %s (key in ${keyHeader}): %s`, async (jwtState, keyState, winner) => {
        const { key } = await makeKey(customerUser);
        const headers: Record<string, string> = {};
        const jwt = jwtState === 'valid' ? tenantAdmin.jwt : `${tenantAdmin.jwt.slice(0, -4)}AAAA`;
        const apiKey = keyState === 'valid' ? key : `${key.slice(0, -4)}AAAA`;
        // the key goes in the other header than the JWT, as a client sending both would
        const jwtHeader = keyHeader === 'x-authorization' ? 'Authorization' : 'X-Authorization';
        if (jwtState !== 'absent') headers[jwtHeader] = `Bearer ${jwt}`;
        if (keyState !== 'absent') headers[keyHeader === 'x-authorization' ? 'X-Authorization' : 'Authorization'] = keyHeader === 'x-authorization' ? `ApiKey ${apiKey}` : `Bearer ${apiKey}`;
        const reply = await client.get('/api/auth/user', { headers });
        if (winner === 401) {
          expect(reply.status).toBe(401);
          expect(reply.body).toMatchObject({ statusCode: 401, message: expect.any(String) });
        } else {
          expect(reply.status).toBe(200);
          expect(reply.body.authentication.method).toBe(winner);
          expect(reply.body.id).toBe(winner === 'jwt' ? tenantAdmin.id : customerUser.id);
        }
      });
    }
  });

  describe('rights', () => {
    it.each([
      // key rights, method + path + body, expected status, missing right
      [['RIGHT_USER_INFO'], 'GET', '/api/auth/user', undefined, 200, undefined],
      [['RIGHT_USER_INFO'], 'GET', '/api/users/me', undefined, 200, undefined],
      [['RIGHT_USER_INFO'], 'PATCH', '/api/users/me', { firstName: 'X' }, 403, 'RIGHT_USER_SETTINGS_BASIC'],
      [['RIGHT_USER_INFO'], 'GET', '/api/users/me/api-keys', undefined, 403, 'RIGHT_USER_SETTINGS_API_KEYS'],
      [['RIGHT_USER_INFO'], 'POST', '/api/users/me/api-keys', { description: 'x' }, 403, 'RIGHT_USER_SETTINGS_API_KEYS'],
      [['RIGHT_USER_SETTINGS_BASIC'], 'GET', '/api/auth/user', undefined, 403, 'RIGHT_USER_INFO'],
      [['RIGHT_USER_SETTINGS_BASIC'], 'PATCH', '/api/users/me', { firstName: 'Y' }, 200, undefined],
      [['RIGHT_USER_SETTINGS_API_KEYS'], 'GET', '/api/users/me/api-keys', undefined, 200, undefined],
      [['RIGHT_USER_SETTINGS_API_KEYS'], 'POST', '/api/users/me/api-keys', { description: 'x', rights: ['RIGHT_USER_SETTINGS_API_KEYS'] }, 201, undefined],
      [['RIGHT_USER_SETTINGS_API_KEYS'], 'POST', '/api/users/me/api-keys', { description: 'x', rights: ['RIGHT_USER_INFO'] }, 403, undefined],
      [['RIGHT_USER_SETTINGS_API_KEYS'], 'POST', '/api/users/me/api-keys', { description: 'x' }, 403, undefined],
      [['RIGHT_ALL'], 'POST', '/api/users/me/api-keys', { description: 'x' }, 201, undefined],
      // RIGHT_USER_ALL grants only itself on: the default RIGHT_ALL also stands for rights it does not
      [['RIGHT_USER_ALL'], 'POST', '/api/users/me/api-keys', { description: 'x', rights: ['RIGHT_USER_ALL'] }, 201, undefined],
      [['RIGHT_USER_ALL'], 'POST', '/api/users/me/api-keys', { description: 'x' }, 403, undefined],
      [['RIGHT_USER_ALL'], 'GET', '/api/users', undefined, 200, undefined],
      [['RIGHT_USER_ALL'], 'GET', '/api/tenants', undefined, 403, 'RIGHT_USER_TENANTS'],
      [['RIGHT_USER_INFO', 'RIGHT_USER_TENANTS'], 'GET', '/api/tenants', undefined, 403, 'RIGHT_USER_TENANTS'],
      [['RIGHT_USER_SETTINGS_API_KEYS'], 'GET', '/api/users/CUSTOMER/api-keys', undefined, 403, 'RIGHT_USER_USERS_API_KEYS'],
      [['RIGHT_USER_USERS_API_KEYS'], 'GET', '/api/users/CUSTOMER/api-keys', undefined, 200, undefined],
      [['RIGHT_USER_USERS_API_KEYS'], 'GET', '/api/users/OTHER_TENANT_ADMIN/api-keys', undefined, 403, undefined],
      [['RIGHT_USER_USERS_READ'], 'GET', '/api/users/CUSTOMER', undefined, 200, undefined],
      [['RIGHT_USER_USERS_READ'], 'PATCH', '/api/users/CUSTOMER', { firstName: 'Z' }, 403, 'RIGHT_USER_USERS_WRITE'],
    ])("a tenant admin's key with %j: %s %s -> %i", async (rights, method, path, body, status, missing) => {
      const { key } = await makeKey(tenantAdmin, { rights }, { jwt: sysAdmin.jwt });
      const resolved = path.replace('CUSTOMER', customerUser.id).replace('OTHER_TENANT_ADMIN', otherTenantAdmin.id);
      const reply = await client.call(method, resolved, { key }, body);
      expect(reply.status).toBe(status);
      if (missing) expect(reply.body.missingRight).toBe(missing);
      if (reply.status === 201) issuedKeys.push(reply.body.key);
    });

    it("takes a key's rights within its owner's rights at every request", async () => {
      const { key } = await makeKey(tenantAdmin, { rights: ['RIGHT_USER_TENANTS', 'RIGHT_USER_INFO'] }, { jwt: sysAdmin.jwt });
      const me = await client.get('/api/auth/user', { key });
      expect(me.body.authentication.rights).toEqual(['RIGHT_USER_INFO']);
    });

    it('refuses a JWT caller a right it does not hold, and needs both added and removed rights to change them', async () => {
      const grant = await client.post('/api/users/me/api-keys', { description: 'x', rights: ['RIGHT_USER_TENANTS'] }, { jwt: tenantAdmin.jwt });
      expect(grant).toMatchObject({ status: 403, body: { missingRights: ['RIGHT_USER_TENANTS'] } });
      const wide = await makeKey(tenantAdmin, { rights: ['RIGHT_USER_USERS_READ'] });
      const { key: narrow } = await makeKey(tenantAdmin, { rights: ['RIGHT_USER_SETTINGS_API_KEYS', 'RIGHT_USER_INFO'] });
      // removing RIGHT_USER_USERS_READ needs it; so does adding it
      const remove = await client.patch(`/api/users/me/api-keys/${wide.id}`, { rights: ['RIGHT_USER_INFO'] }, { key: narrow });
      expect(remove).toMatchObject({ status: 403, body: { missingRights: ['RIGHT_USER_USERS_READ'] } });
      const [row] = await sut.db.query('SELECT rights FROM api_keys WHERE id = $1', [wide.id]);
      expect(row.rights).toEqual(['RIGHT_USER_USERS_READ']);
      const ok = await client.patch(`/api/users/me/api-keys/${wide.id}`, { rights: ['RIGHT_USER_INFO'] }, { jwt: tenantAdmin.jwt });
      expect(ok).toMatchObject({ status: 200, body: { rights: ['RIGHT_USER_INFO'] } });
    });
  });

  describe('manage', () => {
    it('lists keys paged, searched and sorted, never with a secret', async () => {
      const owner = await world.makeCustomerUser(tenantAdmin);
      for (const description of ['alpha build', 'beta build', 'gamma deploy']) await makeKey(owner, { description });
      const all = await client.get('/api/users/me/api-keys?page=0&pageSize=2&sortProperty=description&sortOrder=ASC', { jwt: owner.jwt });
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ totalElements: 3, totalPages: 2, hasNext: true });
      expect(all.body.data.map((k: { description: string }) => k.description)).toEqual(['alpha build', 'beta build']);
      const next = await client.get('/api/users/me/api-keys?page=1&pageSize=2&sortProperty=description&sortOrder=ASC', { jwt: owner.jwt });
      expect(next.body).toMatchObject({ hasNext: false, data: [{ description: 'gamma deploy' }] });
      const search = await client.get('/api/users/me/api-keys?textSearch=BUILD', { jwt: owner.jwt });
      expect(search.body.totalElements).toBe(2);
      expect(JSON.stringify(all.body)).not.toMatch(/NNSXS|secret/i);
      for (const sortProperty of ['createdAt', 'expiresAt', 'description', 'enabled']) {
        expect((await client.get(`/api/users/me/api-keys?sortProperty=${sortProperty}`, { jwt: owner.jwt })).status).toBe(200);
      }
    });

    it('edits the description, expiry and rights; only the fields sent change', async () => {
      const created = await makeKey(customerUser, { description: 'before', rights: ['RIGHT_USER_INFO'] });
      const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
      const edited = await client.patch(`/api/users/me/api-keys/${created.id}`, { description: 'after', expiresAt }, { jwt: customerUser.jwt });
      expect(edited.body).toMatchObject({ description: 'after', expiresAt, rights: ['RIGHT_USER_INFO'], enabled: true, status: 'ACTIVE' });
      const never = await client.patch(`/api/users/me/api-keys/${created.id}`, { expiresAt: null }, { jwt: customerUser.jwt });
      expect(never.body).toMatchObject({ description: 'after', expiresAt: null });
    });

    it('records when a key was last used', async () => {
      const created = await makeKey(customerUser);
      await client.get('/api/auth/user', { key: created.key });
      const recorder = sut.app.get((await import('../src/api-keys/last-used-recorder.js')).LastUsedRecorder);
      await recorder.flush();
      const fetched = await client.get(`/api/users/me/api-keys/${created.id}`, { jwt: customerUser.jwt });
      expect(Date.parse(fetched.body.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
    });
  });

  describe('revocation takes effect on the very next request', () => {
    it('disable, enable, delete', async () => {
      const { id, key } = await makeKey(customerUser);
      expect((await client.get('/api/auth/user', { key })).status).toBe(200);
      const disabled = await client.patch(`/api/users/me/api-keys/${id}`, { enabled: false }, { jwt: customerUser.jwt });
      expect(disabled.body).toMatchObject({ enabled: false, status: 'DISABLED' });
      expect(await client.get('/api/auth/user', { key })).toMatchObject({ status: 401, body: { message: 'API key is disabled' } });
      await client.patch(`/api/users/me/api-keys/${id}`, { enabled: true }, { jwt: customerUser.jwt });
      expect((await client.get('/api/auth/user', { key })).status).toBe(200);
      expect((await client.delete(`/api/users/me/api-keys/${id}`, { jwt: customerUser.jwt })).status).toBe(204);
      expect((await client.get('/api/auth/user', { key })).status).toBe(401);
      expect(await sut.db.query('SELECT id FROM api_keys WHERE id = $1', [id])).toHaveLength(0);
      expect((await client.get(`/api/users/me/api-keys/${id}`, { jwt: customerUser.jwt })).status).toBe(404);
      expect((await client.delete(`/api/users/me/api-keys/${id}`, { jwt: customerUser.jwt })).status).toBe(404);
    });

    it('expiry', async () => {
      const { id, key } = await makeKey(customerUser, { expiresAt: new Date(Date.now() + 60_000).toISOString() });
      expect((await client.get('/api/auth/user', { key })).status).toBe(200);
      // no message needed: the cached expiry is checked on every request
      await sut.db.query(`UPDATE api_keys SET expires_at = now() + interval '300 milliseconds' WHERE id = $1`, [id]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await client.get('/api/auth/user', { key })).toMatchObject({ status: 401, body: { message: 'API key has expired' } });
      expect((await client.get(`/api/users/me/api-keys/${id}`, { jwt: customerUser.jwt })).body.status).toBe('EXPIRED');
    });

    it("a disabled user's keys, and a deleted user's", async () => {
      const owner = await world.makeCustomerUser(tenantAdmin);
      const { key } = await makeKey(owner);
      expect((await client.get('/api/auth/user', { key })).status).toBe(200);
      await client.patch(`/api/users/${owner.id}`, { enabled: false }, { jwt: tenantAdmin.jwt });
      expect((await client.get('/api/auth/user', { key })).status).toBe(401);
      await client.patch(`/api/users/${owner.id}`, { enabled: true }, { jwt: tenantAdmin.jwt });
      expect((await client.get('/api/auth/user', { key })).status).toBe(200);
      await client.delete(`/api/users/${owner.id}`, { jwt: tenantAdmin.jwt });
      expect((await client.get('/api/auth/user', { key })).status).toBe(401);
      expect(await sut.db.query('SELECT id FROM api_keys WHERE user_id = $1', [owner.id])).toHaveLength(0);
    });
  });

  describe('bad input gets a clear 4xx and writes nothing', () => {
    const future = () => new Date(Date.now() + 86_400_000).toISOString();
    it.each([
      ['an unknown right', { description: 'x', rights: ['RIGHT_USER_GOD'] }],
      ['a duplicated right', { description: 'x', rights: ['RIGHT_USER_INFO', 'RIGHT_USER_INFO'] }],
      ['an empty rights list', { description: 'x', rights: [] }],
      ['rights that are not a list', { description: 'x', rights: 'RIGHT_USER_INFO' }],
      ['an expiry in the past', { description: 'x', expiresAt: '2020-01-01T00:00:00Z' }],
      ['an expiry that is not a date', { description: 'x', expiresAt: 'tomorrow' }],
      ['a 10 kB description', { description: 'x'.repeat(10_240) }],
      ['an empty description', { description: '' }],
      ['no description', { expiresAt: future() }],
      ['an unknown field', { description: 'x', secret: 'mine' }],
    ])('%s', async (_name, body) => {
      const [{ count: before }] = await sut.db.query('SELECT count(*)::int AS count FROM api_keys');
      const reply = await client.post('/api/users/me/api-keys', body, { jwt: customerUser.jwt });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.anything() });
      const [{ count: after }] = await sut.db.query('SELECT count(*)::int AS count FROM api_keys');
      expect(after).toBe(before);
    });

    it('a key id of another user, a user that does not exist, a key id of the wrong shape', async () => {
      const theirs = await makeKey(tenantAdmin);
      expect((await client.get(`/api/users/me/api-keys/${theirs.id}`, { jwt: customerUser.jwt })).status).toBe(404);
      expect((await client.patch(`/api/users/me/api-keys/${theirs.id}`, { enabled: false }, { jwt: customerUser.jwt })).status).toBe(404);
      expect((await client.delete(`/api/users/me/api-keys/${theirs.id}`, { jwt: customerUser.jwt })).status).toBe(404);
      expect((await client.get('/api/auth/user', { key: theirs.key })).status).toBe(200);
      expect((await client.get('/api/users/00000000-0000-4000-8000-000000000000/api-keys', { jwt: sysAdmin.jwt })).status).toBe(404);
      expect((await client.get('/api/users/not-a-uuid/api-keys', { jwt: sysAdmin.jwt })).status).toBe(404);
      expect((await client.get('/api/users/me/api-keys/short', { jwt: customerUser.jwt })).status).toBe(404);
    });

    it.each([
      ['a key of the wrong shape', { 'X-Authorization': 'ApiKey NNSXS.ABC.DEF' }],
      ['a key with a wrong secret', 'WRONG_SECRET'],
      ['a key with an unknown id', 'UNKNOWN_ID'],
      ['two keys in one header', 'TWO_KEYS'],
      ['stray spaces', 'STRAY_SPACES'],
      ['a lower-case key', 'LOWER_CASE'],
    ])('%s: 401', async (_name, spec) => {
      const { key } = await makeKey(customerUser);
      const [, id, secret] = key.split('.');
      const variants: Record<string, Record<string, string>> = {
        WRONG_SECRET: { 'X-Authorization': `ApiKey NNSXS.${id}.${'A'.repeat(52)}` },
        UNKNOWN_ID: { 'X-Authorization': `ApiKey NNSXS.${'A'.repeat(39)}.${secret}` },
        TWO_KEYS: { 'X-Authorization': `ApiKey ${key}, ApiKey ${key}` },
        STRAY_SPACES: { 'X-Authorization': `ApiKey  ${key}` },
        LOWER_CASE: { 'X-Authorization': `ApiKey ${key.toLowerCase()}` },
      };
      const headers = typeof spec === 'string' ? variants[spec]! : spec;
      const reply = await client.get('/api/auth/user', { headers });
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
    });

    it('tells a malformed secret from a wrong one, for a key it has just accepted too', async () => {
      const { key } = await makeKey(customerUser);
      expect((await client.get('/api/auth/user', { key })).status).toBe(200);
      const [, id, secret] = key.split('.');
      const malformed = await client.get('/api/auth/user', { headers: { 'X-Authorization': `ApiKey NNSXS.${id}.${secret!.toLowerCase()}` } });
      expect(malformed.status).toBe(401);
      expect(malformed.body.message).toMatch(/^Malformed API key/);
      const wrong = await client.get('/api/auth/user', { headers: { 'X-Authorization': `ApiKey NNSXS.${id}.${'A'.repeat(52)}` } });
      expect(wrong.body).toMatchObject({ statusCode: 401, message: 'Invalid API key' });
      expect((await client.get('/api/auth/user', { key })).status).toBe(200);
    });

    it('never accepts a key in the query string', async () => {
      const { key } = await makeKey(customerUser);
      for (const name of ['apiKey', 'api_key', 'key', 'token', 'access_token']) {
        expect((await client.get(`/api/auth/user?${name}=${encodeURIComponent(key)}`)).status).toBe(401);
      }
    });
  });

  describe('concurrent changes and handing rights out again', () => {
    it('never brings back a key that a concurrent delete removed, nor undoes a concurrent disable', async () => {
      for (let i = 0; i < 15; i++) {
        const { id, key } = await makeKey(customerUser);
        const path = `/api/users/me/api-keys/${id}`;
        const [renamed, deleted] = await Promise.all([
          client.patch(path, { description: `renamed ${i}` }, { jwt: customerUser.jwt }),
          client.delete(path, { jwt: customerUser.jwt }),
        ]);
        expect(deleted.status).toBe(204);
        expect([200, 404, 409]).toContain(renamed.status);
        expect(await sut.db.query('SELECT id FROM api_keys WHERE id = $1', [id])).toHaveLength(0);
        expect((await client.get('/api/rights', { key })).status).toBe(401);
      }
      for (let i = 0; i < 15; i++) {
        const { id, key } = await makeKey(customerUser);
        const path = `/api/users/me/api-keys/${id}`;
        await Promise.all([
          client.patch(path, { description: `renamed ${i}` }, { jwt: customerUser.jwt }),
          client.patch(path, { enabled: false }, { jwt: customerUser.jwt }),
        ]);
        const [row] = await sut.db.query('SELECT enabled FROM api_keys WHERE id = $1', [id]);
        expect(row.enabled).toBe(false);
        expect((await client.get('/api/rights', { key })).status).toBe(401);
      }
    });

    it('refreshes updatedAt on a change', async () => {
      const created = await makeKey(customerUser);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const edited = await client.patch(`/api/users/me/api-keys/${created.id}`, { description: 'later' }, { jwt: customerUser.jwt });
      expect(Date.parse(edited.body.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
    });

    it('lets a narrow key neither revive nor prolong a key with more rights, nor create or revive users', async () => {
      const wide = await makeKey(tenantAdmin, { rights: ['RIGHT_USER_ALL'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
      const { key: narrow } = await makeKey(tenantAdmin, { rights: ['RIGHT_USER_SETTINGS_API_KEYS', 'RIGHT_USER_USERS_WRITE', 'RIGHT_USER_INFO'] });
      const path = `/api/users/me/api-keys/${wide.id}`;
      expect((await client.patch(path, { enabled: false }, { key: narrow })).status).toBe(200);
      expect((await client.patch(path, { enabled: true }, { key: narrow })).status).toBe(403);
      expect((await client.patch(path, { expiresAt: null }, { key: narrow })).status).toBe(403);
      const [row] = await sut.db.query('SELECT enabled, expires_at FROM api_keys WHERE id = $1', [wide.id]);
      expect(row).toMatchObject({ enabled: false, expires_at: expect.any(Date) });
      expect((await client.patch(path, { enabled: true }, { jwt: tenantAdmin.jwt })).status).toBe(200);

      const customerId = customerUser.customerId;
      const created = await client.post('/api/users', { email: `narrow-${Date.now()}@example.test`, password: 'password-1234', authority: 'TENANT_ADMIN' }, { key: narrow });
      expect(created).toMatchObject({ status: 403, body: { missingRights: expect.arrayContaining(['RIGHT_USER_USERS_READ']) } });
      const asCustomer = await client.post('/api/users', { email: `narrow-c-${Date.now()}@example.test`, password: 'password-1234', authority: 'CUSTOMER_USER', customerId }, { key: narrow });
      expect(asCustomer.status).toBe(403);
      const victim = await world.makeCustomerUser(tenantAdmin);
      expect((await client.patch(`/api/users/${victim.id}`, { enabled: false }, { key: narrow })).status).toBe(200);
      expect((await client.patch(`/api/users/${victim.id}`, { enabled: true }, { key: narrow })).status).toBe(403);
    });
  });

  it('leaves no plain key or secret anywhere in the database', async () => {
    expect(issuedKeys.length).toBeGreaterThan(20);
    const columns: Array<{ table_name: string; column_name: string }> = await sut.db.query(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'ARRAY', 'bytea', 'jsonb', 'json')`,
    );
    expect(columns.length).toBeGreaterThan(5);
    const secrets = issuedKeys.map((key) => key.split('.')[2]!);
    for (const { table_name, column_name } of columns) {
      const rows: Array<{ v: string }> = await sut.db.query(`SELECT encode(convert_to("${column_name}"::text, 'UTF8'), 'escape') AS v FROM "${table_name}"`);
      const text = rows.map((r) => r.v).join('\n');
      for (const secret of secrets) expect(text.includes(secret), `${table_name}.${column_name}`).toBe(false);
    }
  });
});
