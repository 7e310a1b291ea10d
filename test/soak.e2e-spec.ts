import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, World, type As, type TestUser } from './support/client.js';
import { createTestDatabase, testEnv, type TestApp, type TestDatabase } from './support/test-app.js';

/**
 * The built server as a user runs it (`node dist/src/main.js`), in a process of its own, with a
 * cache age of 1 s: for SOAK_SECONDS (60 by default) it serves keys in both header styles and JWTs
 * through dozens of renewals, while a key and then a user are disabled. A defect that only shows
 * when time passes (an entry aging out and read again) took the default set-up down once, with
 * every test green.
 */
const SOAK_MS = Number(process.env.SOAK_SECONDS ?? 60) * 1000;
const TICK_MS = 250;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Caller {
  name: string;
  as: As;
  /** From when on the caller must be refused (set when its key or user is disabled). */
  revokedAt?: number;
}

describe('soak: the server stays up and keeps its promises while caches age out', () => {
  let database: TestDatabase;
  let server: ChildProcess;
  let log = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let client: Client;
  let world: World;

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    const env = {
      ...process.env,
      ...testEnv({
        ...database.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        AUTH_CACHE_MAX_AGE_SECONDS: '1',
        LAST_USED_FLUSH_SECONDS: '2',
        AUDIT_FLUSH_SECONDS: '2',
        // refused callers keep calling all along: count them, do not lock them out
        AUTH_MAX_FAILURES_PER_MINUTE: '0',
        LOG_LEVEL: 'debug',
      }),
    };
    if (!database.env.DATABASE_URL) delete env.DATABASE_URL;
    server = spawn(process.execPath, ['dist/src/main.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    server.on('exit', (code, signal) => (exited = { code, signal }));
    for (let waited = 0; !log.includes('keygate listening'); waited += 100) {
      if (exited || waited > 30_000) throw new Error(`the server did not start:\n${log}`);
      await sleep(100);
    }
    client = new Client(`http://127.0.0.1:${port}`);
    world = new World({ url: client.baseUrl } as TestApp);
  }, 60_000);

  afterAll(async () => {
    if (server && !exited) {
      server.kill('SIGTERM');
      for (let waited = 0; !exited && waited < 10_000; waited += 100) await sleep(100);
      if (!exited) server.kill('SIGKILL');
    }
    await database?.drop();
  });

  it(`answers every valid call 200 and every revoked one 401 for ${SOAK_MS / 1000} s, and stays up`, async () => {
    const admin = await world.admin();
    const user: TestUser = await world.makeTenantAdmin();
    const adminKey = (await world.makeKey(admin)).key as string;
    const userKey = (await world.makeKey(user)).key as string;
    const doomed = await world.makeKey(admin);
    const callers: Caller[] = [
      { name: 'admin key, X-Authorization', as: { key: adminKey } },
      { name: 'admin key, Authorization: Bearer', as: { key: adminKey, header: 'authorization' } },
      { name: 'admin JWT', as: { jwt: admin.jwt } },
      { name: 'admin JWT, X-Authorization', as: { jwt: admin.jwt, header: 'x-authorization' } },
      { name: 'user key, X-Authorization', as: { key: userKey } },
      { name: 'user key, Authorization: Bearer', as: { key: userKey, header: 'authorization' } },
      { name: 'user JWT', as: { jwt: user.jwt } },
      { name: 'key disabled midway', as: { key: doomed.key } },
    ];
    const userCallers = callers.filter((c) => c.name.startsWith('user'));
    const doomedCaller = callers.at(-1)!;
    const started = Date.now();
    const wrong: string[] = [];
    let requests = 0;
    let accepted = 0;
    let refused = 0;
    let keyDisabled = false;
    let userDisabled = false;

    while (Date.now() - started < SOAK_MS) {
      const elapsed = Date.now() - started;
      if (!keyDisabled && elapsed > SOAK_MS / 3) {
        keyDisabled = true;
        expect((await client.patch(`/api/users/${admin.id}/api-keys/${doomed.id}`, { enabled: false }, { jwt: admin.jwt })).status).toBe(200);
        doomedCaller.revokedAt = Date.now();
      }
      if (!userDisabled && elapsed > (2 * SOAK_MS) / 3) {
        userDisabled = true;
        expect((await client.patch(`/api/users/${user.id}`, { enabled: false }, { jwt: admin.jwt })).status).toBe(200);
        for (const caller of userCallers) caller.revokedAt = Date.now();
      }
      const replies = await Promise.all(callers.map((caller) => client.get('/api/auth/user', caller.as)));
      replies.forEach((reply, i) => {
        const caller = callers[i]!;
        const expected = caller.revokedAt === undefined ? 200 : 401;
        requests++;
        if (reply.status === 200) accepted++;
        else refused++;
        if (reply.status !== expected) wrong.push(`${Math.round((Date.now() - started) / 1000)} s: ${caller.name} got ${reply.status}, expected ${expected}`);
      });
      expect(exited, `the server exited:\n${log.slice(-4000)}`).toBeUndefined();
      await sleep(TICK_MS);
    }

    const renewals = log.match(/again after it aged out/g)?.length ?? 0;
    const errors = log.split('\n').filter((line) => /"level":"(error|fatal)"|Unhandled|TypeError|ReferenceError/.test(line));
    console.log(
      `soak (${database.env.DATABASE_URL ? 'PostgreSQL server' : 'embedded'}): ${requests} requests over ${Math.round((Date.now() - started) / 1000)} s, ` +
        `${accepted} accepted, ${refused} refused after 2 revocations, ${renewals} cache renewals, server up`,
    );
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(errors.slice(0, 10)).toEqual([]);
    expect(exited).toBeUndefined();
    expect((await client.get('/api/health')).status).toBe(200);
    // the renewal path is what crashed: it must have run, dozens of times
    expect(renewals).toBeGreaterThanOrEqual(Math.floor(SOAK_MS / 3000));
  }, SOAK_MS + 60_000);
});
