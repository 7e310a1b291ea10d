import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World, type TestUser } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The parts of a Postman collection (v2.1) the assertions read. */
interface PostmanAuth {
  type: string;
  apikey?: { key: string; value: string }[];
}
interface PostmanRequest {
  method: string;
  url: { host: string[]; path: string[]; variable?: { key: string; value: string }[]; query?: { key: string; value: string; disabled?: boolean; description?: { content: string } }[] };
  header?: { key: string; value: string }[];
  auth?: PostmanAuth;
  body?: { mode: string; raw?: string };
}
interface PostmanItem {
  name: string;
  item?: PostmanItem[];
  request?: PostmanRequest;
}
interface PostmanCollection {
  info: { name: string; schema: string };
  item: PostmanItem[];
  auth?: PostmanAuth;
  variable: { key: string; value: string }[];
}

// the conversion `npm run postman` writes to a file, run here on the document the test server serves
const postmanScript: { toPostmanCollection(document: object, baseUrl?: string): Promise<PostmanCollection> } = await import(
  new URL('../scripts/postman.mjs', import.meta.url).href as string
);

/** Every request of the collection as "METHOD /path/:param", however the folders nest. */
function requestsOf(items: PostmanItem[]): Map<string, PostmanRequest> {
  const found = new Map<string, PostmanRequest>();
  for (const item of items) {
    if (item.item) for (const [route, request] of requestsOf(item.item)) found.set(route, request);
    if (item.request) found.set(`${item.request.method} /${item.request.url.path.join('/')}`, item.request);
  }
  return found;
}

/** The auth's settings as a record: Postman stores them as a key/value list. */
const authSettings = (auth: PostmanAuth | undefined) => Object.fromEntries((auth?.apikey ?? []).map(({ key, value }) => [key, value]));

/**
 * Sends a collection request the way Postman does: `{{variables}}` filled in, `:params` replaced, the
 * request's apikey auth added as its header.
 */
async function sendAsPostman(request: PostmanRequest, variables: Record<string, string>, params: Record<string, string> = {}, body?: unknown) {
  const fill = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (_all, name: string) => variables[name] ?? '');
  const path = request.url.path.map((segment) => (segment.startsWith(':') ? params[segment.slice(1)] : segment)).join('/');
  const headers: Record<string, string> = Object.fromEntries((request.header ?? []).map(({ key, value }) => [key, value]));
  const auth = authSettings(request.auth);
  if (request.auth?.type === 'apikey' && auth.in === 'header') headers[auth.key] = fill(auth.value);
  const response = await fetch(`${fill(request.url.host.join('.'))}/${path}`, {
    method: request.method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('the OpenAPI document and its Postman collection', () => {
  let sut: TestApp;
  let world: World;
  let user: TestUser;
  let document: Record<string, any>;
  let collection: PostmanCollection;
  let requests: Map<string, PostmanRequest>;

  beforeAll(async () => {
    sut = await startTestApp();
    world = new World(sut);
    user = await world.makeTenantAdmin();
    const served = await world.client.get('/swagger-json');
    if (served.status !== 200) throw new Error(`GET /swagger-json: ${served.status}`);
    document = served.body;
    collection = await postmanScript.toPostmanCollection(structuredClone(document));
    requests = requestsOf(collection.item);
  });
  afterAll(() => sut?.close());

  it('is valid OpenAPI 3 according to swagger-parser', async () => {
    // validate() dereferences in place: give it a copy
    const validated = await SwaggerParser.validate(structuredClone(document) as never);
    expect(validated.info).toMatchObject({ title: 'keygate' });
    expect((validated as { openapi?: string }).openapi).toMatch(/^3\.\d+\.\d+$/);
  });

  it('would be refused by the validator if it were broken', async () => {
    // the validator is not a rubber stamp: a dangling $ref and an operation without responses fail
    const dangling = structuredClone(document);
    dangling.paths['/api/users/{userId}/api-keys'].post.requestBody.content['application/json'].schema = { $ref: '#/components/schemas/NoSuchDto' };
    await expect(SwaggerParser.validate(dangling as never)).rejects.toThrow(/NoSuchDto/);
    const noResponses = structuredClone(document);
    delete noResponses.paths['/api/auth/user'].get.responses;
    await expect(SwaggerParser.validate(noResponses as never)).rejects.toThrow(/responses/);
  });

  it('converts with openapi-to-postmanv2 to a collection with every operation and localhost:3000 as baseUrl', async () => {
    expect(collection.info).toMatchObject({ name: 'keygate', schema: expect.stringContaining('/v2.1.0/') });
    expect(collection.variable).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'baseUrl', value: 'http://localhost:3000' }),
        expect.objectContaining({ key: 'apiKey', value: '' }),
      ]),
    );
    const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect([...requests.keys()].sort()).toEqual(operations.sort());
    expect(requests.has('GET /api/auth/user')).toBe(true);
    expect(requests.has('POST /api/users/:userId/api-keys')).toBe(true);
  });

  it('fills enum fields with one of their values and names the others, and leaves optional query parameters off', () => {
    const created = JSON.parse(requests.get('POST /api/users')!.body!.raw!) as { authority: string };
    expect(['SYS_ADMIN', 'TENANT_ADMIN', 'CUSTOMER_USER']).toContain(created.authority);
    const audit = requests.get('GET /api/audit')!.url.query!;
    const action = audit.find((q) => q.key === 'action')!;
    expect(action.description?.content).toContain('API_KEY_CREATED,API_KEY_UPDATED');
    expect(action.value).not.toMatch(/^</);
    // a request sent as it comes asks for the first page, unfiltered
    expect(audit.filter((q) => !q.disabled)).toEqual([]);
  });

  it('puts the apiKey scheme on every protected request (X-Authorization from {{apiKey}}) and none on the public ones', async () => {
    // the converter expresses the apiKey scheme as request-level auth; the collection itself has none
    expect(collection.auth).toBeUndefined();
    const publicRoutes = ['POST /api/auth/login', 'POST /api/auth/token', 'GET /api/health', 'GET /api/health/ready', 'POST /api/keys/report-leaked'];
    for (const [route, request] of requests) {
      if (publicRoutes.includes(route)) {
        // null: inherit from the collection, which sends nothing
        expect(request.auth, route).toBeNull();
      } else {
        expect(request.auth?.type, route).toBe('apikey');
        expect(authSettings(request.auth), route).toEqual({ key: 'X-Authorization', value: '{{apiKey}}', in: 'header' });
      }
    }
  });

  it('answers the collection\'s GET /api/auth/user with the user when apiKey holds "ApiKey <key>" or "Bearer <jwt>"', async () => {
    const key = await world.makeKey(user, { description: 'Postman' });
    const request = requests.get('GET /api/auth/user')!;
    const byKey = await sendAsPostman(request, { baseUrl: sut.url, apiKey: `ApiKey ${key.key}` });
    expect(byKey).toMatchObject({ status: 200, body: { email: user.email, authentication: { method: 'apiKey', apiKeyId: key.id } } });
    const byJwt = await sendAsPostman(request, { baseUrl: sut.url, apiKey: `Bearer ${user.jwt}` });
    expect(byJwt).toMatchObject({ status: 200, body: { email: user.email, authentication: { method: 'jwt' } } });
    const unset = await sendAsPostman(request, { baseUrl: sut.url, apiKey: '' });
    expect(unset.status).toBe(401);
  });

  it('creates a key with the collection\'s POST /api/users/:userId/api-keys once userId and the body are filled in', async () => {
    const key = await world.makeKey(user, { description: 'Postman writer' });
    const request = requests.get('POST /api/users/:userId/api-keys')!;
    expect(request.body?.mode).toBe('raw');
    expect(JSON.parse(request.body!.raw!)).toHaveProperty('description');
    const created = await sendAsPostman(request, { baseUrl: sut.url, apiKey: `ApiKey ${key.key}` }, { userId: 'me' }, { description: 'made in Postman' });
    expect(created).toMatchObject({ status: 201, body: { userId: user.id, description: 'made in Postman', key: expect.stringMatching(/^NNSXS\./) } });
  });
});
