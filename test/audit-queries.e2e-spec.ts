import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World, type TestUser } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Every query parameter the OpenAPI document lists for the audit trail does what it says, on real
 * events: `textSearch`, `userId` (`me` included) and `apiKeyId` on `GET /api/audit`, `textSearch`
 * and `action` on a key's events; the key's events take no `userId` or `apiKeyId` (the path names them).
 */
describe('the audit trail\'s query parameters', () => {
  let sut: TestApp;
  let world: World;
  let admin: TestUser;
  let other: TestUser;
  let key: { id: string; key: string };
  let otherKey: { id: string };

  beforeAll(async () => {
    sut = await startTestApp();
    world = new World(sut);
    const tenantId = await world.makeTenant();
    admin = await world.makeTenantAdmin(tenantId);
    other = await world.makeTenantAdmin(tenantId);
    key = await world.makeKey(admin, { description: 'Audit probe' });
    otherKey = await world.makeKey(other, { description: 'Other probe' });
    const path = `/api/users/me/api-keys/${key.id}`;
    // events of admin's key: created, renamed, disabled, enabled again
    expect((await world.client.patch(path, { description: 'Renamed probe' }, { jwt: admin.jwt })).status).toBe(200);
    expect((await world.client.patch(path, { enabled: false }, { jwt: admin.jwt })).status).toBe(200);
    expect((await world.client.patch(path, { enabled: true }, { jwt: admin.jwt })).status).toBe(200);
  });
  afterAll(() => sut?.close());

  const actions = (body: { data: Array<{ action: string }> }) => body.data.map((event) => event.action).sort();

  it('finds events by a substring of their details or action in GET /api/audit, in any case, and nothing for a search that matches nothing', async () => {
    const renamed = await world.client.get('/api/audit?textSearch=renamed%20PROBE', { jwt: admin.jwt });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ totalElements: 1, data: [{ action: 'API_KEY_UPDATED', apiKeyId: key.id }] });
    const disabled = await world.client.get('/api/audit?textSearch=key_disabled', { jwt: admin.jwt });
    expect(actions(disabled.body)).toEqual(['API_KEY_DISABLED']);
    const nothing = await world.client.get('/api/audit?textSearch=no-such-text-anywhere', { jwt: admin.jwt });
    expect(nothing.body).toMatchObject({ totalElements: 0, data: [] });
  });

  it('takes `userId=me` as the caller, a UUID in any letter case as that user, and refuses anything else', async () => {
    const mine = await world.client.get('/api/audit?userId=me', { jwt: admin.jwt });
    expect(mine.status).toBe(200);
    expect(actions(mine.body)).toEqual(['API_KEY_CREATED', 'API_KEY_DISABLED', 'API_KEY_ENABLED', 'API_KEY_UPDATED']);
    expect(mine.body.data.every((event: { targetUserId: string }) => event.targetUserId === admin.id)).toBe(true);
    const theirs = await world.client.get(`/api/audit?userId=${other.id.toUpperCase()}`, { jwt: admin.jwt });
    expect(theirs.status).toBe(200);
    expect(theirs.body.data).toEqual([expect.objectContaining({ action: 'API_KEY_CREATED', apiKeyId: otherKey.id, targetUserId: other.id })]);
    const wrong = await world.client.get('/api/audit?userId=myself', { jwt: admin.jwt });
    expect(wrong).toMatchObject({ status: 400, body: { errors: ['userId must be a UUID or me'] } });
  });

  it('filters GET /api/audit by key', async () => {
    const byKey = await world.client.get(`/api/audit?apiKeyId=${otherKey.id}`, { jwt: admin.jwt });
    expect(byKey.body).toMatchObject({ totalElements: 1, data: [{ apiKeyId: otherKey.id }] });
  });

  it('searches a key\'s events too, with `action` beside it', async () => {
    const events = `/api/users/me/api-keys/${key.id}/events`;
    expect((await world.client.get(`${events}?textSearch=Renamed`, { jwt: admin.jwt })).body).toMatchObject({
      totalElements: 1,
      data: [{ action: 'API_KEY_UPDATED' }],
    });
    expect((await world.client.get(`${events}?textSearch=nothing-like-this`, { jwt: admin.jwt })).body.totalElements).toBe(0);
    expect(actions((await world.client.get(`${events}?textSearch=API_KEY&action=API_KEY_ENABLED`, { jwt: admin.jwt })).body)).toEqual([
      'API_KEY_ENABLED',
    ]);
    expect((await world.client.get(events, { jwt: admin.jwt })).body.totalElements).toBe(4);
  });

  it('refuses `userId` and `apiKeyId` on a key\'s events, where the path already names them', async () => {
    const events = `/api/users/me/api-keys/${key.id}/events`;
    for (const query of [`userId=${admin.id}`, `apiKeyId=${otherKey.id}`]) {
      const reply = await world.client.get(`${events}?${query}`, { jwt: admin.jwt });
      expect(reply.status, query).toBe(400);
      expect(reply.body.message, query).toMatch(/should not exist/);
    }
  });
});
