import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type TestUser, World } from './support/client.js';
import { KEY_SHAPE, type CliRun, daysAhead, expectOneLineFailure, expectRightFlagLines, json, keygate, loginWithCli, removeScratchDirs, secrets } from './support/keygate-cli.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from './support/test-app.js';

// the contract's example policy: RIGHT_TELEMETRY_READ, RIGHT_DEVICES_READ/WRITE, the group RIGHT_DEVICES_ALL
const ACCESS_POLICY_FILE = fileURLToPath(new URL('./fixtures/access-policy.json', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface CatalogRight {
  name: string;
  description: string;
  origin: string;
}


/** The `--…` flags a help lists under "Flags:", where the owner's flag and the command's own are. */
function flagsSection(help: string): string[] {
  const section = help.split('\nFlags:\n')[1]?.split('\n\n')[0] ?? '';
  return [...section.matchAll(/--([a-z-]+)/g)].map(([, name]) => name!);
}

describe('keygate service-accounts', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  let catalog: CatalogRight[];
  let tenantAdmin: TestUser;
  let asSysAdmin: Record<string, string>;
  let asTenantAdmin: Record<string, string>;
  /** A system-level account holding RIGHT_KEYS_VERIFY, made with the CLI, and its key: the platform's verifier. */
  let verifier: { create: CliRun; keyCreate: CliRun; account: any; key: string };

  const serviceAccounts = (args: string[], env: Record<string, string>) => keygate(['service-accounts', ...args], env);
  const accountKeys = (args: string[], env: Record<string, string>) => keygate(['service-accounts', 'api-keys', ...args], env);

  /** `service-accounts api-keys create`, its key remembered as a secret nothing else may print. */
  async function createKey(accountId: string, args: string[], env: Record<string, string>): Promise<any> {
    const created = json(await accountKeys(['create', '--service-account-id', accountId, ...args], env));
    secrets.add(created.key);
    return created;
  }

  async function createAccount(args: string[], env = asTenantAdmin): Promise<any> {
    return json(await serviceAccounts(['create', ...args], env));
  }

  /** What the platform's gateway hears from keygate for a GET of `path` with this key. */
  function forwardAuth(key: string, path: string) {
    return client.call('GET', '/api/forward-auth', { key, header: 'authorization' }, undefined, { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': path });
  }

  /** What `POST /api/keys/verify` says of `key`, asked by the verifier's key. */
  async function verify(key: string, rights?: string[]): Promise<any> {
    const reply = await client.post('/api/keys/verify', { key, ...(rights ? { rights } : {}) }, { key: verifier.key });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body;
  }

  beforeAll(async () => {
    sut = await startTestApp({ ACCESS_POLICY_FILE });
    world = new World(sut);
    client = world.client;
    const admin = await world.admin();
    secrets.add(admin.jwt);
    catalog = (await client.get('/api/rights', { jwt: admin.jwt })).body;
    asSysAdmin = await loginWithCli(sut.url, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    tenantAdmin = await world.makeTenantAdmin();
    secrets.add(tenantAdmin.jwt);
    asTenantAdmin = await loginWithCli(sut.url, tenantAdmin);

    const create = await serviceAccounts(['create', '--name', 'Key verifier', '--description', 'the gateway in front of the platform', '--right-keys-verify'], asSysAdmin);
    const account = json(create);
    const keyCreate = await accountKeys(['create', '--service-account-id', account.id, '--name', 'gateway'], asSysAdmin);
    const { key } = json(keyCreate);
    secrets.add(key);
    verifier = { create, keyCreate, account, key };
  });
  afterAll(async () => {
    await sut?.close();
    removeScratchDirs();
  });

  it('a system administrator creates a system-level account with RIGHT_KEYS_VERIFY, and its CLI-made key verifies keys', async () => {
    expect(verifier.account).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Key verifier',
      description: 'the gateway in front of the platform',
      tenantId: null,
      customerId: null,
      enabled: true,
      rights: ['RIGHT_KEYS_VERIFY'],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(verifier.create.stderr).toBe('');

    const key = JSON.parse(verifier.keyCreate.stdout);
    expect(key).toMatchObject({
      key: expect.stringMatching(KEY_SHAPE),
      ownerType: 'serviceAccount',
      ownerId: verifier.account.id,
      userId: null,
      description: 'gateway',
      rights: ['RIGHT_ALL'],
      status: 'ACTIVE',
    });
    expect(verifier.keyCreate.stderr).toMatch(/shown only this once and cannot be retrieved again/);
    expect(verifier.keyCreate.stderr).not.toContain(key.key);

    const userKey = await world.makeKey(await world.makeSysAdmin());
    secrets.add(userKey.key);
    expect(await verify(userKey.key)).toMatchObject({ valid: true, code: 'VALID', keyId: userKey.id, owner: { type: 'user' } });
  });

  it("a tenant administrator's account with --right-telemetry-read gets a key that opens the telemetry routes, refused while the account is disabled", async () => {
    const account = await createAccount(['--name', 'Telemetry ingest', '--right-telemetry-read']);
    expect(account).toMatchObject({ name: 'Telemetry ingest', description: null, tenantId: tenantAdmin.tenantId, customerId: null, enabled: true, rights: ['RIGHT_TELEMETRY_READ'] });

    const expiry = daysAhead(30);
    const created = await createKey(account.id, ['--name', 'ingest on gateway 7', '--api-key-expiry', expiry], asTenantAdmin);
    expect(created).toMatchObject({ ownerType: 'serviceAccount', ownerId: account.id, userId: null, rights: ['RIGHT_ALL'], expiresAt: new Date(expiry).toISOString() });

    expect(await verify(created.key, ['RIGHT_TELEMETRY_READ'])).toMatchObject({
      valid: true,
      code: 'VALID',
      keyId: created.id,
      owner: { type: 'serviceAccount', id: account.id, tenantId: tenantAdmin.tenantId, customerId: null },
    });
    const allowed = await forwardAuth(created.key, '/v1/telemetry/x');
    expect(allowed.status).toBe(200);
    expect(Object.fromEntries(allowed.headers)).toMatchObject({
      'x-keygate-owner-type': 'serviceAccount',
      'x-keygate-owner-id': account.id,
      'x-keygate-tenant-id': tenantAdmin.tenantId,
      'x-keygate-key-id': created.id,
    });
    expect(allowed.headers.get('x-keygate-rights')?.split(',')).toContain('RIGHT_TELEMETRY_READ');
    // RIGHT_ALL on the key stays within the account's rights
    expect((await forwardAuth(created.key, '/v1/devices/x')).status).toBe(403);

    const disabled = json(await serviceAccounts(['update', '--service-account-id', account.id, '--disable'], asTenantAdmin));
    expect(disabled).toMatchObject({ id: account.id, enabled: false });
    expect(await verify(created.key, ['RIGHT_TELEMETRY_READ'])).toMatchObject({ valid: false, code: 'OWNER_DISABLED' });
    expect((await forwardAuth(created.key, '/v1/telemetry/x')).status).toBe(401);

    expect(json(await serviceAccounts(['update', '--service-account-id', account.id, '--enable'], asTenantAdmin))).toMatchObject({ enabled: true });
    expect((await forwardAuth(created.key, '/v1/telemetry/x')).status).toBe(200);
  });

  it('lists, gets, updates and deletes the accounts one manages; a deleted account’s keys stop', async () => {
    const customerId = await world.makeCustomer(tenantAdmin);
    const alpha = await createAccount(['--name', 'alpha reader', '--right-telemetry-read']);
    const beta = await createAccount(['--name', 'beta reader', '--customer-id', customerId, '--right-devices-all']);
    await createAccount(['--name', 'other', '--right-devices-read']);
    expect(beta).toMatchObject({ tenantId: tenantAdmin.tenantId, customerId, rights: ['RIGHT_DEVICES_ALL'] });

    const listed = json(await serviceAccounts(['list', '--text-search', 'reader', '--sort-property', 'name', '--sort-order', 'asc'], asTenantAdmin));
    expect(listed).toMatchObject({ totalElements: 2, totalPages: 1, hasNext: false });
    expect(listed.data.map((account: { id: string }) => account.id)).toEqual([alpha.id, beta.id]);
    // each administrator sees only the accounts it manages
    const systemLevel = json(await serviceAccounts(['list', '--page-size', '100'], asSysAdmin));
    expect(systemLevel.data.map((account: { id: string }) => account.id)).toContain(verifier.account.id);
    expect(systemLevel.data.map((account: { id: string }) => account.id)).not.toContain(alpha.id);

    const table = await serviceAccounts(['list', '--output', 'table', '--text-search', 'reader', '--sort-property', 'name', '--sort-order', 'ASC', '--page-size', '1'], asTenantAdmin);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +NAME +TENANT +CUSTOMER +STATUS +RIGHTS$/);
    expect(lines[1]).toMatch(new RegExp(`^${alpha.id} +alpha reader +${tenantAdmin.tenantId} +none +ENABLED +RIGHT_TELEMETRY_READ$`));
    expect(lines.at(-1)).toBe('Service accounts 1–1 of 2; --page 1 shows more.');

    expect(json(await serviceAccounts(['get', '--service-account-id', beta.id], asTenantAdmin))).toEqual(beta);

    const args = ['update', '--service-account-id', alpha.id, '--name', 'alpha renamed', '--description', 'reads telemetry and devices', '--right-devices-read', '--right-telemetry-read'];
    const updated = json(await serviceAccounts(args, asTenantAdmin));
    expect(updated).toMatchObject({ id: alpha.id, name: 'alpha renamed', description: 'reads telemetry and devices', rights: ['RIGHT_TELEMETRY_READ', 'RIGHT_DEVICES_READ'] });
    expect(json(await serviceAccounts(['update', '--service-account-id', alpha.id, '--description', ''], asTenantAdmin))).toMatchObject({ description: null, name: 'alpha renamed' });

    const { key } = await createKey(alpha.id, ['--name', 'soon gone'], asTenantAdmin);
    expect((await forwardAuth(key, '/v1/devices/7')).status).toBe(200);
    const deleted = await serviceAccounts(['delete', '--service-account-id', alpha.id], asTenantAdmin);
    expect(deleted).toMatchObject({ code: 0, stdout: '', stderr: `keygate: deleted service account ${alpha.id}\n` });
    expect((await forwardAuth(key, '/v1/devices/7')).status).toBe(401);
    expectOneLineFailure(await serviceAccounts(['get', '--service-account-id', alpha.id], asTenantAdmin), 1, /\(HTTP 404\); check the ids you gave/);
  });

  it('manages an account’s keys with the flags and output of users api-keys, the owner shown in the table', async () => {
    const account = await createAccount(['--name', 'fleet', '--right-devices-all']);
    const reader = await createKey(account.id, ['--name', 'fleet reader', '--right-devices-read'], asTenantAdmin);
    const writer = await createKey(account.id, ['--name', 'fleet writer', '--right-devices-write', '--api-key-expiry', daysAhead(10)], asTenantAdmin);
    expect(reader).toMatchObject({ ownerType: 'serviceAccount', ownerId: account.id, userId: null, rights: ['RIGHT_DEVICES_READ'] });

    const listed = json(await accountKeys(['list', '--service-account-id', account.id, '--sort-property', 'description', '--sort-order', 'ASC'], asTenantAdmin));
    expect(listed).toMatchObject({ totalElements: 2, hasNext: false });
    expect(listed.data.map((key: { id: string }) => key.id)).toEqual([reader.id, writer.id]);
    expect(listed.data[0]).not.toHaveProperty('key');

    const table = await accountKeys(['list', '--service-account-id', account.id, '--output', 'table', '--sort-property', 'description', '--sort-order', 'ASC'], asTenantAdmin);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +OWNER TYPE +OWNER ID +DESCRIPTION +STATUS +EXPIRES +LAST USED +RESTRICTIONS +RIGHTS$/);
    expect(lines[1]).toMatch(new RegExp(`^${reader.id} +serviceAccount +${account.id} +fleet reader +ACTIVE +never +never +- +RIGHT_DEVICES_READ$`));
    expect(lines.at(-1)).toBe('Keys 1–2 of 2.');

    const fetched = json(await accountKeys(['get', '--service-account-id', account.id, '--api-key-id', reader.id], asTenantAdmin));
    expect(fetched).toMatchObject({ id: reader.id, ownerType: 'serviceAccount', ownerId: account.id, description: 'fleet reader' });
    expect(fetched).not.toHaveProperty('key');

    const disabled = json(await accountKeys(['update', '--service-account-id', account.id, '--api-key-id', reader.id, '--disable', '--name', 'fleet reader (paused)'], asTenantAdmin));
    expect(disabled).toMatchObject({ description: 'fleet reader (paused)', enabled: false, status: 'DISABLED' });
    expect((await forwardAuth(reader.key, '/v1/devices/1')).status).toBe(401);
    const enabled = json(await accountKeys(['update', '--service-account-id', account.id, '--api-key-id', reader.id, '--enable', '--right-devices-all'], asTenantAdmin));
    expect(enabled).toMatchObject({ enabled: true, status: 'ACTIVE', rights: ['RIGHT_DEVICES_ALL'] });
    expect((await client.call('DELETE', '/api/forward-auth', { key: reader.key, header: 'authorization' }, undefined, { 'X-Forwarded-Method': 'DELETE', 'X-Forwarded-Uri': '/v1/devices/1' })).status).toBe(200);

    const deleted = await accountKeys(['delete', '--service-account-id', account.id, '--api-key-id', writer.id], asTenantAdmin);
    expect(deleted).toMatchObject({ code: 0, stdout: '', stderr: `keygate: deleted API key ${writer.id}\n` });
    expect((await forwardAuth(writer.key, '/v1/devices/1')).status).toBe(401);
    expectOneLineFailure(await accountKeys(['get', '--service-account-id', account.id, '--api-key-id', writer.id], asTenantAdmin), 1, /\(HTTP 404\); check the ids you gave/);
  });

  describe('help', () => {
    it("--help lists a flag for each of the server's rights, the platform's included", async () => {
      expect(catalog.map(({ name }) => name)).toEqual(expect.arrayContaining(['RIGHT_TELEMETRY_READ', 'RIGHT_DEVICES_ALL', 'RIGHT_KEYS_VERIFY', 'RIGHT_ALL']));
      const run = await keygate(['--help'], asTenantAdmin);
      expect(run.code, run.stderr).toBe(0);
      expectRightFlagLines(run.stdout, catalog);
    });

    it.each([[['service-accounts', '--help']], [['service-accounts', 'create', '--help']], [['service-accounts', 'api-keys', 'update', '-h']]])(
      '%j lists only the rights a service account can hold: the platform\'s, RIGHT_ALL, verify and metrics',
      async (args) => {
        const holdable = catalog.filter((r) => r.origin === 'policy' || ['RIGHT_ALL', 'RIGHT_KEYS_VERIFY', 'RIGHT_METRICS_READ'].includes(r.name));
        const run = await keygate(args, asTenantAdmin);
        expect(run.code, run.stderr).toBe(0);
        expectRightFlagLines(run.stdout, holdable);
        expect(run.stdout).not.toMatch(/^ +--right-user-/m);
      },
    );

    it('service-accounts create --help lists its flags', async () => {
      const run = await serviceAccounts(['create', '--help'], asTenantAdmin);
      expect(flagsSection(run.stdout)).toEqual(['name', 'description', 'tenant-id', 'customer-id']);
    });

    it.each(['create', 'list', 'get', 'update', 'delete'])('service-accounts api-keys %s takes the flags of the same users api-keys command, the owner named by --service-account-id', async (command) => {
      const ofUsers = flagsSection((await keygate(['users', 'api-keys', command, '--help'], asTenantAdmin)).stdout);
      const ofAccounts = flagsSection((await accountKeys([command, '--help'], asTenantAdmin)).stdout);
      expect(ofUsers.length).toBeGreaterThan(0);
      expect(ofAccounts).toEqual(ofUsers.map((flag) => (flag === 'user-id' ? 'service-account-id' : flag)));
    });
  });

  describe('bad input: one line that says what to do, a non-zero exit', () => {
    it.each<[string, () => Promise<{ args: string[]; env: Record<string, string> }>, number, RegExp]>([
      ['a right the server does not know', async () => ({ args: ['service-accounts', 'create', '--name', 'x', '--right-no-such-thing'], env: asTenantAdmin }), 2, /--right-no-such-thing names no right that http:\/\/127\.0\.0\.1:\d+ knows; run "keygate service-accounts create --help" to list its rights/],
      ['an unknown right on a key', async () => ({ args: ['service-accounts', 'api-keys', 'create', '--service-account-id', verifier.account.id, '--name', 'x', '--right-telemetry-write'], env: asSysAdmin }), 2, /--right-telemetry-write names no right that .* knows/],
      ['an account without rights', async () => ({ args: ['service-accounts', 'create', '--name', 'x'], env: asTenantAdmin }), 2, /a service account needs rights: give one or more --right-… flags/],
      ['a right no service account may hold', async () => ({ args: ['service-accounts', 'create', '--name', 'x', '--right-user-info'], env: asTenantAdmin }), 2, /--right-user-info: a service account cannot hold this right; run "keygate service-accounts create --help" to list those it can/],
      ['no account for its keys', async () => ({ args: ['service-accounts', 'api-keys', 'list'], env: asTenantAdmin }), 2, /missing --service-account-id for "keygate service-accounts api-keys list"/],
      ['an account nobody has', async () => ({ args: ['service-accounts', 'get', '--service-account-id', randomUUID()], env: asTenantAdmin }), 1, /\(HTTP 404\); check the ids you gave/],
      ['nothing to change', async () => ({ args: ['service-accounts', 'update', '--service-account-id', verifier.account.id], env: asSysAdmin }), 2, /nothing to change: give --name, --description, --enable, --disable or --right-… flags/],
      [
        'a customer user',
        async () => ({ args: ['service-accounts', 'list'], env: await loginWithCli(sut.url, await world.makeCustomerUser(tenantAdmin)) }),
        1,
        /Missing right RIGHT_USER_SERVICE_ACCOUNTS \(HTTP 403\); use a login or an API key that holds RIGHT_USER_SERVICE_ACCOUNTS/,
      ],
    ])('%s', async (_name, setup, exitCode, says) => {
      const { args, env } = await setup();
      expectOneLineFailure(await keygate(args, env), exitCode, says);
    });
  });
});
