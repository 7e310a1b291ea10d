import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, World, type TestUser } from './support/client.js';
import { ACCESS_POLICY_FIXTURE, createTestDatabase, startTestApp, testEnv, type TestApp, type TestDatabase } from './support/test-app.js';

const policy = JSON.parse(readFileSync(ACCESS_POLICY_FIXTURE, 'utf8'));
const asked = (credential: Record<string, string>, method: string, uri: string) => ({ headers: { ...credential, 'X-Forwarded-Method': method, 'X-Forwarded-Uri': uri } });

describe("the access policy: the platform's rights", () => {
  let database: TestDatabase;
  let sut: TestApp;
  let world: World;
  let client: Client;
  let tenantAdmin: TestUser;
  let customerUser: TestUser;
  const dir = mkdtempSync(join(tmpdir(), 'keygate-policy-'));
  const policyFile = join(dir, 'policy.json');

  beforeAll(async () => {
    database = await createTestDatabase();
    writeFileSync(policyFile, JSON.stringify(policy));
    sut = await startTestApp({ ACCESS_POLICY_FILE: policyFile }, database);
    world = new World(sut);
    client = world.client;
    tenantAdmin = await world.makeTenantAdmin();
    customerUser = await world.makeCustomerUser(tenantAdmin);
  });
  afterAll(async () => {
    await sut?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("GET /api/rights lists keygate's rights, then the platform's, then its groups with their members", async () => {
    const catalog = (await client.get('/api/rights', { jwt: customerUser.jwt })).body as Array<{ name: string; origin: string; members?: string[] }>;
    expect(catalog.filter((r) => r.origin === 'policy')).toEqual([
      { name: 'RIGHT_TELEMETRY_READ', description: 'Read telemetry', origin: 'policy' },
      { name: 'RIGHT_DEVICES_READ', description: 'Read devices', origin: 'policy' },
      { name: 'RIGHT_DEVICES_WRITE', description: 'Change devices', origin: 'policy' },
      { name: 'RIGHT_DEVICES_ALL', description: expect.any(String), origin: 'policy', members: ['RIGHT_DEVICES_READ', 'RIGHT_DEVICES_WRITE'] },
    ]);
    const names = catalog.map((r) => r.name);
    expect(names.slice(0, 3)).toEqual(['RIGHT_USER_INFO', 'RIGHT_USER_SETTINGS_BASIC', 'RIGHT_USER_SETTINGS_API_KEYS']);
    expect(names).toEqual(expect.arrayContaining(['RIGHT_ALL', 'RIGHT_KEYS_VERIFY', 'RIGHT_METRICS_READ', 'RIGHT_USER_SERVICE_ACCOUNTS', 'RIGHT_USER_WEBHOOKS']));
    expect(catalog.find((r) => r.name === 'RIGHT_ALL')!.members).toEqual(expect.arrayContaining(['RIGHT_TELEMETRY_READ', 'RIGHT_USER_INFO']));
    // and the OpenAPI document offers the same names wherever a request names rights
    const { components } = (await client.get('/swagger-json')).body;
    for (const body of ['CreateApiKeyDto', 'UpdateApiKeyDto', 'CreateServiceAccountDto', 'UpdateServiceAccountDto', 'VerifyKeyDto']) {
      expect({ body, enum: components.schemas[body].properties.rights.items.enum }).toEqual({ body, enum: names });
    }
  });

  it('gives each authority what the policy says: a customer user reads devices, its tenant administrator also changes them', async () => {
    const devices = (as: TestUser, method: string) => client.call('GET', '/api/forward-auth', asked({ Authorization: `Bearer ${as.jwt}` }, method, '/v1/devices/1'));
    expect((await devices(customerUser, 'GET')).status).toBe(200);
    expect((await devices(customerUser, 'PUT')).body).toMatchObject({ statusCode: 403, missingRight: 'RIGHT_DEVICES_WRITE' });
    expect((await devices(tenantAdmin, 'PUT')).status).toBe(200);
    expect((await client.get(`/api/users/me/rights`, { jwt: customerUser.jwt })).body.rights).toEqual(expect.arrayContaining(['RIGHT_DEVICES_READ', 'RIGHT_TELEMETRY_READ']));
  });

  it('a right that leaves the file grants nothing and stays stored; one added to a group reaches the keys holding it', async () => {
    const telemetryKey = await world.makeKey(tenantAdmin, { rights: ['RIGHT_TELEMETRY_READ'] });
    const groupKey = await world.makeKey(tenantAdmin, { rights: ['RIGHT_DEVICES_ALL'] });
    const key = (k: { key: string }) => ({ Authorization: `Bearer ${k.key}` });
    expect((await client.call('GET', '/api/forward-auth', asked(key(telemetryKey), 'GET', '/v1/telemetry/a'))).status).toBe(200);
    expect((await client.call('GET', '/api/forward-auth', asked(key(groupKey), 'GET', '/v1/telemetry/a'))).status).toBe(403);

    // the next start: telemetry gone from the policy, and firmware added to the devices group
    const next = structuredClone(policy);
    next.rights = [...next.rights.filter((r: { name: string }) => r.name !== 'RIGHT_TELEMETRY_READ'), { name: 'RIGHT_FIRMWARE_WRITE', description: 'Push firmware' }];
    next.groups.RIGHT_DEVICES_ALL.push('RIGHT_FIRMWARE_WRITE');
    next.authorities = { TENANT_ADMIN: ['RIGHT_DEVICES_ALL'], CUSTOMER_USER: ['RIGHT_DEVICES_READ'] };
    next.routes = [...next.routes.filter((r: { path: string }) => !r.path.startsWith('/v1/telemetry')), { method: 'POST', path: '/v1/firmware', right: 'RIGHT_FIRMWARE_WRITE' }];
    writeFileSync(policyFile, JSON.stringify(next));
    await sut.close();
    sut = await startTestApp({ ACCESS_POLICY_FILE: policyFile }, database);
    client = new Client(sut.url);

    expect((await client.call('GET', '/api/forward-auth', asked(key(groupKey), 'POST', '/v1/firmware'))).status).toBe(200);
    expect((await client.call('GET', '/api/forward-auth', asked(key(telemetryKey), 'GET', '/v1/telemetry/a'))).status).toBe(403);
    expect((await client.post('/api/keys/verify', { key: telemetryKey.key }, { jwt: tenantAdmin.jwt })).body).toMatchObject({ valid: true, rights: [] });
    const [row] = await sut.db.query('SELECT rights FROM api_keys WHERE id = $1', [telemetryKey.id]);
    expect(row.rights).toEqual(['RIGHT_TELEMETRY_READ']);
  });
});

describe('a policy file that cannot be used stops the start, naming the problem', () => {
  const run = (env: Record<string, string>) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(process.execPath, ['dist/src/main.js'], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
      );
    });

  it.each([
    ['not JSON', '{"rights": [', /is not JSON/],
    ['a right named twice', JSON.stringify({ rights: [policy.rights[0], policy.rights[0]] }), /rights\[1\]: RIGHT_TELEMETRY_READ is named twice/],
    ['a route with an unknown right', JSON.stringify({ routes: [{ method: 'GET', path: '/x', right: 'RIGHT_NOPE' }] }), /routes\[0\] \(\/x\): right "RIGHT_NOPE"/],
  ])('%s', async (_name, text, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'keygate-bad-policy-'));
    const file = join(dir, 'policy.json');
    writeFileSync(file, text);
    const { code, output } = await run({ ...testEnv({ DATA_DIR: join(dir, 'data'), PORT: '0' }), ACCESS_POLICY_FILE: file, DATABASE_URL: '' });
    expect(code).toBe(1);
    expect(output).toMatch(message);
    expect(output).toContain(file);
    expect(output).not.toMatch(/\n\s+at /); // a message, not a stack trace
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
