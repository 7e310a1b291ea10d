import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type TestUser, World } from './support/client.js';
import {
  KEY_SHAPE,
  daysAhead,
  expectOneLineFailure,
  expectRightFlagLines,
  json,
  keygate,
  loginWithCli,
  removeScratchDirs,
  scratchDir,
  secrets,
  storedLogin,
} from './support/keygate-cli.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from './support/test-app.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** A port nobody listens on: taken from the system, then let go. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('keygate CLI', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  let admin: TestUser;
  /** The config folder where the administrator is logged in with `keygate login`. */
  let adminConfig: string;
  let asAdmin: Record<string, string>;

  const loggedIn = (user: { email: string; password: string }, url = sut.url) => loginWithCli(url, user);

  /** A key made through the API, remembered as a secret the CLI must not print. */
  async function makeKey(owner: TestUser, body: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
    const created = await world.makeKey(owner, body);
    secrets.add(created.key);
    return created;
  }

  async function createWithCli(args: string[], env = asAdmin): Promise<any> {
    const created = json(await keygate(['users', 'api-keys', 'create', ...args], env));
    secrets.add(created.key);
    return created;
  }

  beforeAll(async () => {
    sut = await startTestApp();
    world = new World(sut);
    client = world.client;
    admin = await world.admin();
    secrets.add(admin.jwt);
    asAdmin = await loggedIn({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    adminConfig = asAdmin.KEYGATE_CONFIG_DIR!;
  });
  afterAll(async () => {
    await sut?.close();
    removeScratchDirs();
  });

  describe('help', () => {
    it.each([[['--help']], [['users', 'api-keys', '--help']], [['users', 'api-keys', 'create', '--help']], [['users', 'api-keys', 'update', '-h']]])(
      '%j names every right flag with its description from the server catalog',
      async (args) => {
        const catalog: Array<{ name: string; description: string }> = (await client.get('/api/rights', { jwt: admin.jwt })).body;
        expect(catalog.map(({ name }) => name)).toEqual(expect.arrayContaining(['RIGHT_ALL', 'RIGHT_USER_ALL', 'RIGHT_USER_SETTINGS_API_KEYS']));
        const run = await keygate(args, asAdmin);
        expect(run.code).toBe(0);
        expectRightFlagLines(run.stdout, catalog);
      },
    );

    it('says when it cannot read the rights from the server, and still helps', async () => {
      const run = await keygate(['users', 'api-keys', 'create', '--help'], { KEYGATE_URL: `http://127.0.0.1:${await closedPort()}`, KEYGATE_API_KEY: `NNSXS.${'A'.repeat(39)}.${'B'.repeat(52)}` });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/--right-… flags name the server's rights, which could not be read: cannot connect to .* \(connection refused\)/);
      expect(run.stdout).toContain('--api-key-expiry');
      expect(run.stdout).not.toContain('--right-user-info');
    });

    it.each([
      ['create', ['--name', '--user-id', '--api-key-expiry', '--url']],
      ['list', ['--user-id', '--page', '--page-size', '--text-search', '--sort-property', '--sort-order', '--output']],
      ['get', ['--user-id', '--api-key-id']],
      ['update', ['--api-key-id', '--name', '--enable', '--disable', '--api-key-expiry']],
      ['delete', ['--user-id', '--api-key-id']],
    ])('users api-keys %s --help lists its flags', async (command, flags) => {
      const run = await keygate(['users', 'api-keys', command, '--help'], {});
      expect(run.code).toBe(0);
      for (const flag of flags) expect(run.stdout).toContain(flag);
    });

    it('lists the commands and the environment', async () => {
      const run = await keygate(['--help'], {});
      for (const word of ['login', 'logout', 'users api-keys create', 'KEYGATE_URL', 'KEYGATE_API_KEY', 'KEYGATE_CONFIG_DIR']) {
        expect(run.stdout).toContain(word);
      }
    });
  });

  describe('login', () => {
    it('keeps the token pair in a file only its owner can read, in a folder only its owner can open', async () => {
      const configDir = join(scratchDir('config'), 'keygate');
      const env = { KEYGATE_URL: sut.url, KEYGATE_CONFIG_DIR: configDir };
      const run = await keygate(['login', '--username', ADMIN_EMAIL, '--password', ADMIN_PASSWORD], env);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/logged in to .* as admin@keygate\.test/);
      const file = join(configDir, 'credentials.json');
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(configDir)).toBe(0o700);
      const login = storedLogin(configDir);
      secrets.add(login.token).add(login.refreshToken);
      expect(login).toEqual({ url: sut.url, token: expect.any(String), refreshToken: expect.any(String) });
      expect((await client.get('/api/auth/user', { jwt: login.token })).body.id).toBe(admin.id);

      const logout = await keygate(['logout'], env);
      expect(logout.code).toBe(0);
      expect(existsSync(file)).toBe(false);
    });

    it('keeps the login under $XDG_CONFIG_HOME/keygate when no folder is given', async () => {
      const xdg = scratchDir('xdg');
      const run = await keygate(['login', '--username', ADMIN_EMAIL], { KEYGATE_URL: sut.url, XDG_CONFIG_HOME: xdg, KEYGATE_PASSWORD: ADMIN_PASSWORD });
      expect(run.code, run.stderr).toBe(0);
      const login = storedLogin(join(xdg, 'keygate'));
      secrets.add(login.token).add(login.refreshToken);
      expect(modeOf(join(xdg, 'keygate', 'credentials.json'))).toBe(0o600);
    });

    it('refuses a wrong password and stores nothing', async () => {
      const env = { KEYGATE_URL: sut.url, KEYGATE_CONFIG_DIR: scratchDir('config') };
      expectOneLineFailure(await keygate(['login', '--username', ADMIN_EMAIL, '--password', 'wrong-password'], env), 1, /Invalid username or password \(HTTP 401\)/);
      expect(existsSync(join(env.KEYGATE_CONFIG_DIR, 'credentials.json'))).toBe(false);
    });

    it('asks for the password only in a terminal', async () => {
      const env = { KEYGATE_URL: sut.url, KEYGATE_CONFIG_DIR: scratchDir('config') };
      expectOneLineFailure(await keygate(['login', '--username', ADMIN_EMAIL], env), 2, /no password: set KEYGATE_PASSWORD/);
    });

    it('refreshes an expired access token and keeps the new pair, still private', async () => {
      const env = await loggedIn({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
      const file = join(env.KEYGATE_CONFIG_DIR!, 'credentials.json');
      const login = storedLogin(env.KEYGATE_CONFIG_DIR!);
      const [header, payload, signature] = login.token.split('.') as [string, string, string];
      const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), exp: Math.floor(Date.now() / 1000) - 60 };
      const expired = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
      writeFileSync(file, JSON.stringify({ ...login, token: expired }));

      expect(json(await keygate(['users', 'api-keys', 'list'], env))).toMatchObject({ data: expect.any(Array) });
      const renewed = storedLogin(env.KEYGATE_CONFIG_DIR!);
      secrets.add(renewed.token).add(renewed.refreshToken);
      expect(renewed.token).not.toBe(expired);
      expect(modeOf(file)).toBe(0o600);
      expect((await client.get('/api/auth/user', { jwt: renewed.token })).status).toBe(200);
    });

    it('refreshes an access token the server refuses as expired, twice in a row, each time with the newest refresh token', { timeout: 60_000 }, async () => {
      // access tokens that live 10 s, the least the server allows
      const shortLived = await startTestApp({ JWT_EXPIRES_IN: '10' });
      try {
        const server = new Client(shortLived.url);
        const env = await loggedIn({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, shortLived.url);
        let previous = storedLogin(env.KEYGATE_CONFIG_DIR!);
        await expect.poll(async () => (await server.get('/api/auth/user', { jwt: previous.token })).status, { timeout: 15_000, interval: 500 }).toBe(401);

        // a refresh token works once: had the CLI kept the used one, the second refresh would end the session
        for (const round of [1, 2]) {
          expect(json(await keygate(['users', 'api-keys', 'list'], env)), `round ${round}`).toMatchObject({ data: expect.any(Array) });
          const renewed = storedLogin(env.KEYGATE_CONFIG_DIR!);
          secrets.add(renewed.token).add(renewed.refreshToken);
          expect(renewed.refreshToken, `round ${round}`).not.toBe(previous.refreshToken);
          previous = renewed;
        }
        expect((await server.get('/api/auth/user', { jwt: previous.token })).status).toBe(200);
      } finally {
        await shortLived.close();
      }
    });

    it('closes a token file others could read before using it, and says so', async () => {
      const env = await loggedIn({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
      const file = join(env.KEYGATE_CONFIG_DIR!, 'credentials.json');
      chmodSync(file, 0o644);
      const run = await keygate(['users', 'api-keys', 'list'], env);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/readable by other users; its mode is now 600/);
      expect(modeOf(file)).toBe(0o600);
    });
  });

  describe('logout', () => {
    const credentialsIn = (env: Record<string, string>) => join(env.KEYGATE_CONFIG_DIR!, 'credentials.json');

    it('ends the session on the server, so its tokens are refused from then on, and removes the login', async () => {
      const env = await loggedIn(await world.makeTenantAdmin());
      const login = storedLogin(env.KEYGATE_CONFIG_DIR!);
      expect((await client.get('/api/auth/user', { jwt: login.token })).status).toBe(200);

      const run = await keygate(['logout'], env);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`keygate: logged out of ${sut.url}: the server ended the session; removed ${credentialsIn(env)}\n`);
      expect(existsSync(credentialsIn(env))).toBe(false);
      expect((await client.get('/api/auth/user', { jwt: login.token })).status).toBe(401);
      expect((await client.post('/api/auth/token', { refreshToken: login.refreshToken })).status).toBe(401);

      expect(await keygate(['logout'], env)).toMatchObject({ code: 0, stdout: '', stderr: 'keygate: not logged in; nothing to remove\n' });
    });

    it('removes a login whose session had ended already', async () => {
      const env = await loggedIn(await world.makeTenantAdmin());
      expect((await client.post('/api/auth/logout', undefined, { jwt: storedLogin(env.KEYGATE_CONFIG_DIR!).token })).status).toBe(204);
      const run = await keygate(['logout'], env);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/its session had ended already; removed /);
      expect(existsSync(credentialsIn(env))).toBe(false);
    });

    it('removes the login even when the server cannot be told, and says so on stderr', async () => {
      const env = { KEYGATE_CONFIG_DIR: scratchDir('config') };
      const url = `http://127.0.0.1:${await closedPort()}`;
      writeFileSync(credentialsIn(env), JSON.stringify({ url, token: 'not.a.token', refreshToken: 'not.a.token' }), { mode: 0o600 });
      expectOneLineFailure(await keygate(['logout'], env), 1, /session on .* could not be ended: cannot connect .*connection refused.*credentials\.json is removed all the same/);
      expect(existsSync(credentialsIn(env))).toBe(false);
    });
  });

  describe('users api-keys', () => {
    it('creates a key as ttn-lw-cli does: the key object as JSON on stdout, a warning on stderr', async () => {
      const expiry = daysAhead(365);
      const run = await keygate(['users', 'api-keys', 'create', '--name', 'User API Key', '--user-id', 'me', '--right-user-all', '--api-key-expiry', expiry], asAdmin);
      const created = json(run);
      secrets.add(created.key);
      expect(created).toEqual({
        id: expect.stringMatching(/^[A-Z2-7]{39}$/),
        key: expect.stringMatching(KEY_SHAPE),
        ownerType: 'user',
        ownerId: admin.id,
        userId: admin.id,
        description: 'User API Key',
        rights: ['RIGHT_USER_ALL'],
        enabled: true,
        status: 'ACTIVE',
        expiresAt: new Date(expiry).toISOString(),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        lastUsedAt: null,
        rolledFromId: null,
        allowedCidrs: null,
        rateLimit: null,
        metadata: null,
      });
      expect(run.stderr).toMatch(/shown only this once and cannot be retrieved again/);
      expect(run.stderr).not.toContain(created.key);

      const me = await client.get('/api/auth/user', { key: created.key, header: 'authorization' });
      expect(me).toMatchObject({ status: 200, body: { id: admin.id, authentication: { method: 'apiKey', apiKeyId: created.id } } });
    });

    it('restricts a key: --allowed-cidr (repeated), --rate-limit n/window and --metadata on create and update, none removing one', async () => {
      const created = await createWithCli(['--name', 'restricted', '--allowed-cidr', '10.0.0.0/8', '--allowed-cidr', '2001:db8::/32', '--rate-limit', '6/60s', '--metadata', '{"plan":"gold"}']);
      expect(created).toMatchObject({ allowedCidrs: ['10.0.0.0/8', '2001:db8::/32'], rateLimit: { limit: 6, windowSeconds: 60 }, metadata: { plan: 'gold' } });
      const updated = json(await keygate(['users', 'api-keys', 'update', '--api-key-id', created.id, '--allowed-cidr', 'none', '--rate-limit', '100/1m', '--metadata', 'none'], asAdmin));
      expect(updated).toMatchObject({ allowedCidrs: null, rateLimit: { limit: 100, windowSeconds: 60 }, metadata: null });
      const table = await keygate(['users', 'api-keys', 'list', '--output', 'table', '--text-search', 'restricted'], asAdmin);
      expect(table.stdout).toMatch(new RegExp(`^${created.id} .* 100/60s +RIGHT_ALL$`, 'm'));
      expectOneLineFailure(await keygate(['users', 'api-keys', 'create', '--name', 'x', '--rate-limit', 'six a minute'], asAdmin), 2, /--rate-limit "six a minute" is not a limit; write it like 6\/60s/);
      expectOneLineFailure(await keygate(['users', 'api-keys', 'create', '--name', 'x', '--metadata', '[1]'], asAdmin), 2, /--metadata must be a JSON object/);
      expectOneLineFailure(await keygate(['users', 'api-keys', 'create', '--name', 'x', '--allowed-cidr', '10.0.0.0/40'], asAdmin), 1, /allowedCidrs must be an IPv4 or IPv6 CIDR/);
    });

    it('grants the rights whose flags are given, and the server default (RIGHT_ALL, no expiry) without any', async () => {
      const chosen = await createWithCli(['--name', 'chosen', '--right-user-settings-api-keys', '--right-user-info']);
      expect(chosen.rights).toEqual(['RIGHT_USER_INFO', 'RIGHT_USER_SETTINGS_API_KEYS']);
      const plain = await createWithCli(['--name', 'plain']);
      expect(plain).toMatchObject({ rights: ['RIGHT_ALL'], expiresAt: null });
    });

    it('lists keys as JSON and as a readable table, a page at a time', async () => {
      const owner = await world.makeSysAdmin();
      const env = await loggedIn(owner);
      const first = await makeKey(owner, { description: 'deploy alpha', rights: ['RIGHT_USER_INFO'] });
      const second = await makeKey(owner, { description: 'deploy beta', expiresAt: daysAhead(30), rights: ['RIGHT_USER_ALL'] });
      await makeKey(owner, { description: 'other' });

      const listed = json(await keygate(['users', 'api-keys', 'list', '--user-id', 'me', '--text-search', 'deploy', '--sort-property', 'description', '--sort-order', 'asc'], env));
      expect(listed).toMatchObject({ totalElements: 2, totalPages: 1, hasNext: false });
      expect(listed.data.map((key: { id: string }) => key.id)).toEqual([first.id, second.id]);
      expect(listed.data[0]).not.toHaveProperty('key');

      const paged = json(await keygate(['users', 'api-keys', 'list', '--page', '1', '--page-size', '1', '--text-search', 'deploy'], env));
      expect(paged).toMatchObject({ totalElements: 2, totalPages: 2, hasNext: false, data: [{ id: first.id }] });

      const table = await keygate(['users', 'api-keys', 'list', '--output', 'table', '--page-size', '2', '--sort-property', 'description', '--sort-order', 'ASC'], env);
      expect(table.code, table.stderr).toBe(0);
      const lines = table.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ID +OWNER TYPE +OWNER ID +DESCRIPTION +STATUS +EXPIRES +LAST USED +RESTRICTIONS +RIGHTS$/);
      expect(lines[1]).toMatch(new RegExp(`^${first.id} +user +${owner.id} +deploy alpha +ACTIVE +never +never +- +RIGHT_USER_INFO$`));
      expect(lines[2]).toMatch(new RegExp(`^${second.id} +user +${owner.id} +deploy beta +ACTIVE +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +never +- +RIGHT_USER_ALL$`));
      // the columns line up: every row's status starts where the heading's does
      const statusColumn = lines[0]!.indexOf('STATUS');
      expect(lines[1]!.indexOf('ACTIVE')).toBe(statusColumn);
      expect(lines[2]!.indexOf('ACTIVE')).toBe(statusColumn);
      expect(lines.at(-1)).toBe('Keys 1–2 of 3; --page 1 shows more.');
    });

    it("gets one key, never with its secret, and manages another user's keys by id", async () => {
      const tenantAdmin = await world.makeTenantAdmin();
      const { id } = await makeKey(tenantAdmin, { description: 'managed' });
      const fetched = json(await keygate(['users', 'api-keys', 'get', '--user-id', tenantAdmin.id, '--api-key-id', id], asAdmin));
      expect(fetched).toMatchObject({ id, userId: tenantAdmin.id, description: 'managed', status: 'ACTIVE' });
      expect(fetched).not.toHaveProperty('key');
    });

    it('updates a key: disabled, it gets 401 at once; enabled again with new rights and no expiry, it works', async () => {
      const { id, key } = await makeKey(admin, { description: 'to update', expiresAt: daysAhead(10) });
      const disabled = json(await keygate(['users', 'api-keys', 'update', '--user-id', 'me', '--api-key-id', id, '--disable', '--name', 'renamed'], asAdmin));
      expect(disabled).toMatchObject({ id, description: 'renamed', enabled: false, status: 'DISABLED' });
      expect((await client.get('/api/auth/user', { key })).status).toBe(401);
      expectOneLineFailure(await keygate(['users', 'api-keys', 'list'], { KEYGATE_URL: sut.url, KEYGATE_API_KEY: key }), 1, /API key is disabled \(HTTP 401\).*KEYGATE_API_KEY/);

      const args = ['users', 'api-keys', 'update', '--api-key-id', id, '--enable', '--api-key-expiry', 'never', '--right-user-info'];
      const enabled = json(await keygate(args, asAdmin));
      expect(enabled).toMatchObject({ id, description: 'renamed', enabled: true, status: 'ACTIVE', expiresAt: null, rights: ['RIGHT_USER_INFO'] });
      expect((await client.get('/api/auth/user', { key })).status).toBe(200);
    });

    it('rolls a key: the new one printed once, the old one working for the overlap', async () => {
      const { id, key } = await makeKey(admin, { description: 'to roll', rights: ['RIGHT_USER_INFO'] });
      const run = await keygate(['users', 'api-keys', 'roll', '--api-key-id', id, '--overlap', '1h'], asAdmin);
      const rolled = json(run);
      secrets.add(rolled.key);
      expect(rolled).toMatchObject({ description: 'to roll', rights: ['RIGHT_USER_INFO'], rolledFromId: id, key: expect.stringMatching(KEY_SHAPE) });
      expect(run.stderr).toMatch(/shown only this once/);
      for (const k of [key, rolled.key]) expect((await client.get('/api/auth/user', { key: k })).status).toBe(200);
      const old = await client.get(`/api/users/me/api-keys/${id}`, { jwt: admin.jwt });
      expect(Date.parse(old.body.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
      expectOneLineFailure(await keygate(['users', 'api-keys', 'roll', '--api-key-id', id, '--overlap', '3 weeks'], asAdmin), 2, /--overlap "3 weeks" is not a duration; write it like 0, 30m, 24h or 7d/);
      expectOneLineFailure(await keygate(['users', 'api-keys', 'roll', '--api-key-id', id, '--overlap', '31d'], asAdmin), 2, /longer than 30 days/);
    });

    it('deletes a key: confirmed on stderr, and the key never works again', async () => {
      const { id, key } = await makeKey(admin, { description: 'to delete' });
      const run = await keygate(['users', 'api-keys', 'delete', '--user-id', 'me', '--api-key-id', id], asAdmin);
      expect(run).toMatchObject({ code: 0, stdout: '' });
      expect(run.stderr).toBe(`keygate: deleted API key ${id}\n`);
      expect((await client.get('/api/auth/user', { key })).status).toBe(401);
      expectOneLineFailure(await keygate(['users', 'api-keys', 'get', '--api-key-id', id], asAdmin), 1, /API key [A-Z2-7]{39} not found for user me \(HTTP 404\); check the ids you gave/);
    });

    it('takes KEYGATE_API_KEY before the stored login', async () => {
      const tenantAdmin = await world.makeTenantAdmin();
      const { key } = await makeKey(tenantAdmin);
      const env = { ...asAdmin, KEYGATE_API_KEY: key };
      const created = await createWithCli(['--name', 'made with a key', '--right-user-info'], env);
      expect(created).toMatchObject({ userId: tenantAdmin.id, rights: ['RIGHT_USER_INFO'] });
      const listed = json(await keygate(['users', 'api-keys', 'list'], env));
      expect(listed.data.every((apiKey: { userId: string }) => apiKey.userId === tenantAdmin.id)).toBe(true);
    });
  });

  describe('bad input: one line that says what to do, a non-zero exit, no stack trace', () => {
    type Case = () => Promise<{ args: string[]; env: Record<string, string> }>;
    const create = ['users', 'api-keys', 'create', '--name', 'x'];
    const withKey = async (rights: string[]) => ({ KEYGATE_URL: sut.url, KEYGATE_API_KEY: (await makeKey(admin, { rights })).key });

    it.each<[string, Case, number, RegExp]>([
      ['an unknown flag', async () => ({ args: [...create, '--colour'], env: asAdmin }), 2, /unknown option '--colour'.*run "keygate users api-keys create --help"/],
      ['a flag without its value', async () => ({ args: ['users', 'api-keys', 'get', '--api-key-id'], env: asAdmin }), 2, /--api-key-id.*--help/],
      ['a missing required flag', async () => ({ args: ['users', 'api-keys', 'get'], env: asAdmin }), 2, /missing --api-key-id/],
      ['an unknown command', async () => ({ args: ['users', 'keys', 'list'], env: asAdmin }), 2, /unknown command "keygate users keys"; run "keygate users --help"/],
      ['a past expiry', async () => ({ args: [...create, '--api-key-expiry', '2020-01-01T00:00:00Z'], env: asAdmin }), 2, /in the past; give a future time like/],
      ['an expiry that is not RFC 3339', async () => ({ args: [...create, '--api-key-expiry', 'next tuesday'], env: asAdmin }), 2, /not an RFC 3339 time; write it like 2027-11-23T00:00:00Z/],
      ['a date that does not exist', async () => ({ args: [...create, '--api-key-expiry', '2099-02-30T00:00:00Z'], env: asAdmin }), 2, /not an RFC 3339 time/],
      ['never as a new key expiry', async () => ({ args: [...create, '--api-key-expiry', 'never'], env: asAdmin }), 2, /not an RFC 3339 time/],
      ['both --enable and --disable', async () => ({ args: ['users', 'api-keys', 'update', '--api-key-id', 'X', '--enable', '--disable'], env: asAdmin }), 2, /--enable or --disable, not both/],
      ['a whole key as --api-key-id', async () => ({ args: ['users', 'api-keys', 'get', '--api-key-id', `NNSXS.${'A'.repeat(39)}.${'B'.repeat(52)}`], env: asAdmin }), 2, /the key's id, the part between the dots/],
      ['a --url that is no URL', async () => ({ args: ['users', 'api-keys', 'list', '--url', 'localhost 3000'], env: asAdmin }), 2, /--url "localhost 3000" is not a URL/],
      ['a URL where no keygate answers', async () => ({ args: ['users', 'api-keys', 'list', '--url', `${sut.url}/keygate`], env: await withKey(['RIGHT_USER_ALL']) }), 1, /\(HTTP 404\); is this a keygate server\? check --url or KEYGATE_URL/],
      ['a server that is down', async () => ({ args: ['users', 'api-keys', 'list'], env: { ...(await withKey(['RIGHT_USER_ALL'])), KEYGATE_URL: `http://127.0.0.1:${await closedPort()}` } }), 1, /connection refused\); start keygate there, or check --url or KEYGATE_URL/],
      ['a login made on another server', async () => ({ args: ['users', 'api-keys', 'list', '--url', `http://127.0.0.1:${await closedPort()}`], env: asAdmin }), 1, /you are logged in to http:\/\/127\.0\.0\.1:\d+, not/],
      ['no login and no key', async () => ({ args: ['users', 'api-keys', 'list'], env: { KEYGATE_URL: sut.url, KEYGATE_CONFIG_DIR: scratchDir('config') } }), 1, /not logged in; run "keygate login --url .* or set KEYGATE_API_KEY/],
      [
        'a revoked key',
        async () => {
          const env = await withKey(['RIGHT_USER_ALL']);
          await client.delete(`/api/users/me/api-keys/${env.KEYGATE_API_KEY.split('.')[1]}`, { jwt: admin.jwt });
          return { args: ['users', 'api-keys', 'list'], env };
        },
        1,
        /Invalid API key \(HTTP 401\); check KEYGATE_API_KEY/,
      ],
      ['a key without the right', async () => ({ args: ['users', 'api-keys', 'list'], env: await withKey(['RIGHT_USER_INFO']) }), 1, /Missing right RIGHT_USER_SETTINGS_API_KEYS \(HTTP 403\); use a login or an API key that holds RIGHT_USER_SETTINGS_API_KEYS/],
      ['a right the key cannot grant', async () => ({ args: [...create, '--right-user-info'], env: await withKey(['RIGHT_USER_SETTINGS_API_KEYS']) }), 1, /cannot grant rights you do not hold: RIGHT_USER_INFO \(HTTP 403\)/],
      ['a blank name', async () => ({ args: ['users', 'api-keys', 'create', '--name', ' '], env: asAdmin }), 2, /--name must not be blank/],
    ])('%s', async (_name, setup, exitCode, says) => {
      const { args, env } = await setup();
      expectOneLineFailure(await keygate(args, env), exitCode, says);
    });
  });
});
