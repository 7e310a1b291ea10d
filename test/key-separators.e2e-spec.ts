import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World, type TestUser } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('a remembered key with a wrong separator', () => {
  let sut: TestApp;
  let world: World;
  let owner: TestUser;

  beforeAll(async () => {
    sut = await startTestApp();
    world = new World(sut);
    owner = await world.makeTenantAdmin();
  });
  afterAll(() => sut.close());

  it('is refused after the key was used (and so remembered), whichever separator changed, in either header', async () => {
    const { key } = await world.makeKey(owner);
    const [, id, secret] = key.split('.');
    expect((await world.client.get('/api/auth/user', { key })).status).toBe(200);
    const variants = ['#', '-', '_', ':', '/', '~', '+', '!', '|', 'A', '2'].flatMap((c) => [`NNSXS${c}${id}.${secret}`, `NNSXS.${id}${c}${secret}`]);
    for (const variant of variants) {
      for (const header of ['x-authorization', 'authorization'] as const) {
        const reply = await world.client.get('/api/auth/user', { key: variant, header });
        expect(reply.status, `${header}: ${variant.slice(0, 8)}…`).toBe(401);
        expect(reply.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      }
    }
    // the key itself still works
    expect((await world.client.get('/api/auth/user', { key })).status).toBe(200);
  });
});
