import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World, type TestUser } from './support/client.js';
import { rawRequest } from './support/raw-http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('a credential header sent more than once', () => {
  let sut: TestApp;
  let world: World;
  let owner: TestUser;
  let key: string;
  let port: number;

  beforeAll(async () => {
    sut = await startTestApp();
    world = new World(sut);
    owner = await world.makeTenantAdmin();
    key = (await world.makeKey(owner)).key;
    port = Number(new URL(sut.url).port);
  });
  afterAll(() => sut.close());

  const get = (headers: Array<[string, string]>, path = '/api/auth/user') =>
    rawRequest(
      port,
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: application/json\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`,
    );

  it('is answered as usual when each header comes once', async () => {
    expect((await get([['Authorization', `Bearer ${owner.jwt}`]])).status).toBe(200);
    expect((await get([['Authorization', `Bearer ${key}`]])).status).toBe(200);
    expect((await get([['Authorization', `Bearer ${owner.jwt}`], ['X-Authorization', `ApiKey ${key}`]])).status).toBe(200);
  });

  it.each<[string, () => Array<[string, string]>]>([
    ['a valid JWT, then garbage', () => [['Authorization', `Bearer ${owner.jwt}`], ['Authorization', 'Bearer garbage']]],
    ['garbage, then a valid JWT', () => [['Authorization', 'Bearer garbage'], ['Authorization', `Bearer ${owner.jwt}`]]],
    ['a valid key twice', () => [['Authorization', `Bearer ${key}`], ['Authorization', `Bearer ${key}`]]],
    ['a valid JWT, then a key, names in other cases', () => [['authorization', `Bearer ${owner.jwt}`], ['AUTHORIZATION', `Bearer ${key}`]]],
    ['X-Authorization twice beside a valid JWT', () => [['Authorization', `Bearer ${owner.jwt}`], ['X-Authorization', `ApiKey ${key}`], ['x-authorization', 'ApiKey garbage']]],
    ['X-Authorization: a valid key twice', () => [['X-Authorization', `ApiKey ${key}`], ['X-Authorization', `ApiKey ${key}`]]],
    ['an empty second Authorization', () => [['Authorization', `Bearer ${owner.jwt}`], ['Authorization', '']]],
  ])('is refused with 401 JSON: %s', async (_name, headers) => {
    const reply = await get(headers());
    expect(reply.status).toBe(401);
    expect(reply.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(reply.body)).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/Authorization header was sent more than once/) });
  });

  it('is refused on every protected route, whatever the method', async () => {
    const twice: Array<[string, string]> = [['Authorization', `Bearer ${owner.jwt}`], ['Authorization', `Bearer ${owner.jwt}`]];
    for (const path of ['/api/users/me', '/api/users/me/api-keys', '/api/rights']) expect((await get(twice, path)).status).toBe(401);
    const post = await rawRequest(
      port,
      `POST /api/users/me/api-keys HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 19\r\n` +
        `Authorization: Bearer ${owner.jwt}\r\nAuthorization: Bearer ${owner.jwt}\r\n\r\n`,
      '{"description":"x"}',
    );
    expect(post.status).toBe(401);
    expect((await world.client.get('/api/users/me/api-keys', { jwt: owner.jwt })).body.totalElements).toBe(1);
  });
});
