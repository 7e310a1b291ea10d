// node bench/callgrind.mjs [--server-root <dir> ...] [--requests 2000] [--warmup 3000] [--only <label regex>]
//
// Counts the instructions the server executes a request, with valgrind's callgrind, for the same
// scenarios as the bench: the figure is steady where seconds are not (the same code counts the same
// within about 1%, whatever else the machine runs). Each --server-root (default: this checkout) is a
// built keygate, started in turn under `valgrind --tool=callgrind` on a database of its own on the
// PostgreSQL server; each scenario is warmed up uninstrumented, then N requests are sent one after the
// other on one keep-alive connection with instrumentation on; the whole set runs `--rounds` times and
// the last is kept. Node runs with V8's --predictable (no concurrent compiling or collecting threads). Prints instructions a request and their
// ratio to the same server's GET /api/health. Needs valgrind (apt-get install valgrind).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values: args } = parseArgs({
  options: {
    'server-root': { type: 'string', multiple: true },
    requests: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '4' },
    only: { type: 'string' },
    'database-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const here = resolve(import.meta.dirname, '..');
const roots = (args['server-root'] ?? [here]).map((r) => resolve(r));
const N = Number(args.requests);
const ADMIN = { email: 'callgrind-admin@keygate.test', password: 'callgrind-password-1' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolvePromise, reject) => {
    const req = http.request(url, { method, agent, headers: body ? { ...headers, 'content-type': 'application/json' } : headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const freePort = () =>
  new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => r(port));
    });
  });

async function startUnderCallgrind(serverRoot, outDir, database) {
  const port = await freePort();
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${join(outDir, 'cg.out')}`, `--vgdb-prefix=${join(outDir, 'vgdb')}`, process.execPath, '--predictable', join(serverRoot, 'dist/src/main.js')],
    {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: database,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        JWT_SECRET: 'callgrind-jwt-secret-0123456789abcdef0123456789',
        API_KEY_HASH_SECRET: 'callgrind-hash-secret-0123456789abcdef012345678',
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        AUTH_MAX_FAILURES_PER_MINUTE: '0',
        ACCESS_POLICY_FILE: join(here, 'test/fixtures/access-policy.json'),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) {
    try {
      if ((await request(`${url}/api/health/ready`)).status === 200) return { url, child };
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`the server exited: ${stderr.slice(-2000)}`);
    await sleep(250);
  }
  throw new Error('the server did not start within 5 minutes under valgrind');
}

async function credentialsOf(url) {
  const api = async (method, path, token, body) => {
    const r = await request(`${url}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {}, body: body && JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.body}`);
    return JSON.parse(r.body || '{}');
  };
  const { token } = await api('POST', '/api/auth/login', null, { username: ADMIN.email, password: ADMIN.password });
  const { id: tenantId } = await api('POST', '/api/tenants', token, { name: 'Callgrind' });
  await api('POST', '/api/users', token, { email: 'ta@callgrind.test', password: 'ta-password-1', authority: 'TENANT_ADMIN', tenantId });
  const { token: ta } = await api('POST', '/api/auth/login', null, { username: 'ta@callgrind.test', password: 'ta-password-1' });
  const { key } = await api('POST', '/api/users/me/api-keys', ta, { description: 'callgrind' });
  return { adminToken: token, ta, key };
}

function scenarios({ adminToken, ta, key }) {
  return [
    { label: 'baseline: GET /api/health', path: '/api/health' },
    { label: 'GET /api/rights, X-Authorization: ApiKey', path: '/api/rights', headers: { 'x-authorization': `ApiKey ${key}` } },
    { label: 'GET /api/rights, Authorization: Bearer <key>', path: '/api/rights', headers: { authorization: `Bearer ${key}` } },
    { label: 'GET /api/rights, Authorization: Bearer <JWT>', path: '/api/rights', headers: { authorization: `Bearer ${ta}` } },
    { label: 'POST /api/keys/verify, valid key', path: '/api/keys/verify', method: 'POST', headers: { authorization: `Bearer ${adminToken}` }, body: JSON.stringify({ key }) },
    {
      label: 'GET /api/forward-auth, valid key',
      path: '/api/forward-auth',
      headers: { authorization: `Bearer ${key}`, 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/v1/telemetry/room-1' },
    },
  ].filter((s) => !args.only || new RegExp(args.only).test(s.label) || s.label.startsWith('baseline'));
}

// vgdb names its pipes after the HOST variable too, which the server's HOST sets: callgrind_control gets the same
const control = (outDir, pid, ...flags) =>
  execFileSync('callgrind_control', [`--vgdb-prefix=${join(outDir, 'vgdb')}`, ...flags, String(pid)], {
    stdio: 'ignore',
    timeout: 60_000,
    env: { ...process.env, HOST: '127.0.0.1' },
  });

/** The instructions of the dump callgrind writes next (its `totals:` line), once it is whole. */
async function nextDumpTotal(outDir, before) {
  for (let i = 0; i < 240; i++) {
    const files = readdirSync(outDir).filter((f) => f.startsWith('cg.out') && !before.has(f));
    if (files.length > 1) throw new Error(`expected one new dump, found ${files.join(', ')}`);
    const line = files.length === 1 && readFileSync(join(outDir, files[0]), 'utf8').match(/^totals: (\d+)/m);
    if (line) {
      before.add(files[0]);
      return Number(line[1]);
    }
    await sleep(250);
  }
  throw new Error(`callgrind wrote no dump in a minute (${readdirSync(outDir).join(', ')})`);
}

async function measure(serverRoot) {
  const outDir = mkdtempSync(join(tmpdir(), 'keygate-callgrind-'));
  const dbName = `keygate_callgrind_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: args['database-url'] });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const database = new URL(args['database-url']);
  database.pathname = `/${dbName}`;
  const { url, child } = await startUnderCallgrind(serverRoot, outDir, database.href);
  const samples = {};
  try {
    const list = scenarios(await credentialsOf(url));
    const seen = new Set(readdirSync(outDir));
    // the first round also pays for what V8 compiles late: the figure is the median of the others
    for (let round = 0; round < Number(args.rounds); round++) {
      for (const s of list) {
        const send = async (n) => {
          for (let i = 0; i < n; i++) {
            const r = await request(`${url}${s.path}`, s);
            if (r.status !== 200) throw new Error(`${s.label}: ${r.status} ${r.body}`);
          }
        };
        await send(Number(args.warmup));
        control(outDir, child.pid, '--zero');
        control(outDir, child.pid, '--instr=on');
        await send(N);
        control(outDir, child.pid, '--instr=off');
        control(outDir, child.pid, `--dump=${s.label.replace(/\W+/g, '_')}`);
        const perRequest = (await nextDumpTotal(outDir, seen)) / N;
        if (round > 0) (samples[s.label] ??= []).push(perRequest);
        process.stderr.write(`${serverRoot}, round ${round + 1}: ${s.label}: ${Math.round(perRequest).toLocaleString()} instructions a request\n`);
      }
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
  return Object.entries(samples).map(([label, values]) => ({ label, perRequest: median(values), min: Math.min(...values), max: Math.max(...values) }));
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

const results = [];
for (const serverRoot of roots) results.push({ serverRoot, rows: await measure(serverRoot) });
agent.destroy();

console.log(`\ninstructions a request (callgrind, ${N} requests each, one connection; median of rounds 2 to ${args.rounds})\n`);
console.log(['scenario', ...results.flatMap((r) => [r.serverRoot, 'ratio to health'])].join(' | '));
for (let i = 0; i < results[0].rows.length; i++) {
  const cells = results.flatMap(({ rows }) => [
    `${Math.round(rows[i].perRequest).toLocaleString()} (${Math.round(rows[i].min).toLocaleString()}–${Math.round(rows[i].max).toLocaleString()})`,
    (rows[0].perRequest / rows[i].perRequest).toFixed(2),
  ]);
  console.log([results[0].rows[i].label, ...cells].join(' | '));
}
