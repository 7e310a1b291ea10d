import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World, type TestUser } from './support/client.js';
import { rawRequest } from './support/raw-http.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { captureOutput, jsonLines } from './support/output.js';

describe('a key or JWT pasted into a URL', () => {
  let sut: TestApp;
  let world: World;
  let owner: TestUser;
  let key: string;
  let id: string;
  let secret: string;
  let port: number;

  beforeAll(async () => {
    sut = await startTestApp({ LOG_REQUESTS: 'true', LOG_LEVEL: 'log' });
    world = new World(sut);
    owner = await world.makeTenantAdmin();
    ({ key, id } = await world.makeKey(owner));
    secret = key.split('.')[2]!;
    port = Number(new URL(sut.url).port);
  });
  afterAll(() => sut.close());

  /** Paths a person might paste a credential into, each with the secret text it must not echo. */
  const pasted = (): Array<[string, string]> => {
    const signature = owner.jwt.split('.')[2]!;
    return [
      [`/api/${key}`, secret],
      [`/${key}`, secret],
      [`/api/users/me/api-keys/${key}`, secret],
      [`/api/users/${key}/api-keys`, secret],
      [`/api/NNSXS%23${id}.${secret}`, secret],
      [`/api/NNSXS%2E${id}%2E${secret}`, secret],
      [`/api/${key.toLowerCase()}`, secret.toLowerCase()],
      [`/api/NNSXS.${id}/${secret}`, secret],
      [`/api/nope?apiKey=${key}`, secret],
      [`/api/${owner.jwt}`, signature],
      [`/api/users/${owner.jwt}`, signature],
    ];
  };

  it('is not echoed in the error body: the key keeps its id, its secret and any JWT are redacted', async () => {
    for (const [path, hidden] of pasted()) {
      const reply = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: application/json\r\n\r\n`);
      expect(reply.status, path.slice(0, 30)).toBeGreaterThanOrEqual(400);
      expect(reply.status, path.slice(0, 30)).toBeLessThan(500);
      expect(JSON.parse(reply.body).statusCode).toBe(reply.status);
      expect(reply.body, path.slice(0, 30)).not.toContain(hidden);
      expect(reply.body.toUpperCase(), path.slice(0, 30)).not.toContain(hidden.slice(0, 12).toUpperCase());
    }
    const notFound = await world.client.get(`/api/${key}`);
    expect(notFound.status).toBe(404);
    expect(notFound.body.message).toBe(`Cannot GET /api/NNSXS.${id}.[REDACTED]`);
    const jwtNotFound = await world.client.get(`/api/${owner.jwt}`);
    expect(jwtNotFound.body.message).toBe('Cannot GET /api/[REDACTED]');
  });

  it('is not written to the request log', async () => {
    const log = await captureOutput(async () => {
      for (const [path] of pasted()) {
        await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      }
      await world.client.get(`/api/users/${key}/api-keys`, { jwt: owner.jwt });
    });
    expect(log).toContain(`GET /api/NNSXS.${id}.[REDACTED] 404`);
    expect(log).toMatch(/GET \/api\/\[REDACTED\] 404/);
    expect(log).not.toContain(secret);
    expect(log.toUpperCase()).not.toContain(secret.slice(0, 12));
    expect(log).not.toContain(owner.jwt.split('.')[2]!);
    expect(log).not.toContain(owner.jwt.split('.')[1]!);
  });

  it('logs a repeated credential header as such, never its values', async () => {
    const log = await captureOutput(async () => {
      const reply = await rawRequest(
        port,
        `GET /api/auth/user HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer ${key}\r\nauthorization: Bearer ${owner.jwt}\r\n\r\n`,
      );
      expect(reply.status).toBe(401);
    });
    expect(jsonLines(log).find((line) => line.context === 'Request')).toMatchObject({ method: 'GET', path: '/api/auth/user', statusCode: 401, clientIp: '127.0.0.1', auth: 'repeated-header' });
    expect(log).not.toContain(secret);
    expect(log).not.toContain(owner.jwt);
  });
});
