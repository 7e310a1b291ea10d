import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, World, type TestUser } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/*
 * The security review's finding: a UUID names the same user in any letter case, so a caller's own
 * id in upper case is `me` and needs the rights on oneself, not the (here held) rights on others.
 */
describe("one's own id in upper case is `me` for the rights checks", () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  let tenantAdmin: TestUser;
  let upper: string;

  beforeAll(async () => {
    sut = await startTestApp();
    world = new World(sut);
    client = world.client;
  });
  afterAll(() => sut.close());
  beforeEach(async () => {
    tenantAdmin = await world.makeTenantAdmin();
    upper = tenantAdmin.id.toUpperCase();
  });

  const keysOfOwner = () => sut.db.query('SELECT id, description, enabled, rights, expires_at FROM api_keys WHERE user_id = $1 ORDER BY id', [tenantAdmin.id]);
  const auditOfOwner = () => sut.db.query('SELECT id FROM audit_events WHERE target_user_id = $1 ORDER BY id', [tenantAdmin.id]);
  const owner = () => sut.db.query('SELECT id, first_name, last_name, enabled, updated_at FROM users WHERE id = $1', [tenantAdmin.id]);

  // soft: a regression shows every request that got through, and what it changed
  it("a key with RIGHT_USER_USERS_API_KEYS only neither lists, creates nor changes its owner's keys", async () => {
    const { key } = await world.makeKey(tenantAdmin, { rights: ['RIGHT_USER_USERS_API_KEYS'] });
    const { id: victim } = await world.makeKey(tenantAdmin, { description: 'production' });
    const keysBefore = await keysOfOwner();
    const auditBefore = await auditOfOwner();
    const missing = { missingRight: 'RIGHT_USER_SETTINGS_API_KEYS' };

    expect.soft(await client.get('/api/users/me/api-keys', { key })).toMatchObject({ status: 403, body: missing });
    expect.soft(await client.get(`/api/users/${upper}/api-keys`, { key })).toMatchObject({ status: 403, body: missing });
    expect.soft(await client.post(`/api/users/${upper}/api-keys`, { description: 'escalated', rights: ['RIGHT_USER_USERS_API_KEYS'] }, { key })).toMatchObject({ status: 403, body: missing });
    expect.soft(await client.get(`/api/users/${upper}/api-keys/${victim}`, { key })).toMatchObject({ status: 403, body: missing });
    expect.soft(await client.patch(`/api/users/${upper}/api-keys/${victim}`, { enabled: false }, { key })).toMatchObject({ status: 403, body: missing });
    expect.soft(await client.get(`/api/users/${upper}/api-keys/${victim}/events`, { key })).toMatchObject({ status: 403, body: missing });
    expect.soft(await client.delete(`/api/users/${upper}/api-keys/${victim}`, { key })).toMatchObject({ status: 403, body: missing });

    expect(keysBefore).toHaveLength(2);
    expect(await keysOfOwner()).toEqual(keysBefore);
    expect(await auditOfOwner()).toEqual(auditBefore);
  });

  it('a key with RIGHT_USER_USERS_READ and RIGHT_USER_USERS_WRITE neither reads, edits nor deletes its owner', async () => {
    // the rights on others, without RIGHT_USER_INFO, RIGHT_USER_SETTINGS_BASIC or RIGHT_USER_DELETE on oneself
    const { key } = await world.makeKey(tenantAdmin, { rights: ['RIGHT_USER_USERS_READ', 'RIGHT_USER_USERS_WRITE'] });
    const ownerBefore = await owner();
    const keysBefore = await keysOfOwner();

    expect.soft(await client.get(`/api/users/${upper}`, { key })).toMatchObject({ status: 403, body: { missingRight: 'RIGHT_USER_INFO' } });
    expect.soft(await client.patch(`/api/users/${upper}`, { firstName: 'Mallory' }, { key })).toMatchObject({ status: 403, body: { missingRight: 'RIGHT_USER_SETTINGS_BASIC' } });
    expect.soft(await client.delete(`/api/users/${upper}`, { key })).toMatchObject({ status: 403, body: { missingRight: 'RIGHT_USER_DELETE' } });

    expect(ownerBefore).toHaveLength(1);
    expect(await owner()).toEqual(ownerBefore);
    expect(await keysOfOwner()).toEqual(keysBefore);
  });

  it('still lets the rights on oneself act through the upper-case id, as through `me`', async () => {
    const { key } = await world.makeKey(tenantAdmin, { rights: ['RIGHT_USER_INFO', 'RIGHT_USER_SETTINGS_API_KEYS'] });
    expect(await client.get(`/api/users/${upper}`, { key })).toMatchObject({ status: 200, body: { id: tenantAdmin.id } });
    const listed = await client.get(`/api/users/${upper}/api-keys`, { key });
    expect(listed).toMatchObject({ status: 200, body: { totalElements: 1, data: [{ userId: tenantAdmin.id }] } });
    // the rights route needs no right on oneself
    expect(await client.get(`/api/users/${upper}/rights`, { key })).toMatchObject({ status: 200, body: { rights: ['RIGHT_USER_INFO', 'RIGHT_USER_SETTINGS_API_KEYS'] } });
  });

  it("filters the audit trail by a user's id in any letter case", async () => {
    await world.makeKey(tenantAdmin);
    const lower = await client.get(`/api/audit?userId=${tenantAdmin.id}`, { jwt: tenantAdmin.jwt });
    expect(lower).toMatchObject({ status: 200, body: { totalElements: 1 } });
    expect(await client.get(`/api/audit?userId=${upper}`, { jwt: tenantAdmin.jwt })).toMatchObject({ status: 200, body: lower.body });
  });

  it('hands the handler the id the rights were chosen for, in lower case; what is no user id names no user', async () => {
    const unknown = 'ABCDEF01-0000-4000-8000-00000000000A';
    expect(await client.get(`/api/users/${unknown}`, { jwt: tenantAdmin.jwt })).toMatchObject({ status: 404, body: { message: `User ${unknown.toLowerCase()} not found` } });
    expect((await client.get('/api/users/ME', { jwt: tenantAdmin.jwt })).status).toBe(404);
    expect((await client.get(`/api/users/{${tenantAdmin.id}}/api-keys`, { jwt: tenantAdmin.jwt })).status).toBe(404);
  });
});
