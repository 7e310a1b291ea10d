// npm run bench [-- --keys 1000000] [--duration 10] [--connections 50] [--url http://host:port]
//
// Starts keygate on the PostgreSQL server (a schema of its own), seeds users and keys with SQL,
// warms up, then drives load with autocannon from a separate process and prints each route's
// req/s, p50 and p99 as ratios to the same server's unauthenticated GET /api/health, measured in
// the same run. Also measures revocation (same instance and across two instances), the wrong-key
// flood, lastUsedAt coalescing and the server's peak RSS. Writes the figures to bench/results/.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generateApiKey, hashSecret } from '../dist/src/api-keys/api-key-format.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    url: { type: 'string' },
    'database-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const TOTAL_KEYS = Number(args.keys);
const LIVE_KEYS = 1000;
const DURATION = Number(args.duration);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const REVOCATIONS = 100;
const SECRETS = { JWT_SECRET: randomBytes(32).toString('hex'), API_KEY_HASH_SECRET: randomBytes(32).toString('hex') };
const ADMIN = { email: 'bench-admin@keygate.test', password: 'bench-password-1' };
const schema = `kg_bench_${randomBytes(4).toString('hex')}`;
const log = (...parts) => console.error('[bench]', ...parts);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startServer(name) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'dist/src/main.js')], {
    env: {
      ...process.env,
      ...SECRETS,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: args['database-url'],
      DATABASE_SCHEMA: schema,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      LAST_USED_FLUSH_SECONDS: '5',
      // the wrong-key runs measure the 401 path itself; with the limit on they would soon get (cheaper) 429s
      AUTH_MAX_FAILURES_PER_MINUTE: '0',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/api/health/ready`)).ok) return { name, url, child };
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${name} did not start`);
}

async function api(url, method, path, { token, body } = {}) {
  const headers = body ? { 'Content-Type': 'application/json' } : {};
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${url}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Users and keys, written with SQL as an operator would seed a large table. */
async function seed(db, adminToken, url) {
  const tenant = await api(url, 'POST', '/api/tenants', { token: adminToken, body: { name: 'bench' } });
  const owners = [];
  for (let i = 0; i < 10 + REVOCATIONS / 2; i++) {
    const email = `owner-${i}@bench.test`;
    const created = await api(url, 'POST', '/api/users', {
      token: adminToken,
      body: { email, password: 'owner-password-1', authority: 'TENANT_ADMIN', tenantId: tenant.body.id },
    });
    owners.push({ id: created.body.id, email });
  }
  const keyOwners = owners.slice(0, 10);
  const live = [];
  const insert = async (rows) => {
    const ids = rows.map((r) => r.id);
    await db.query(
      `INSERT INTO api_keys (id, user_id, secret_hash, description, rights)
       SELECT id, user_id, secret_hash, 'bench live key', ARRAY['RIGHT_USER_ALL']
         FROM unnest($1::varchar[], $2::uuid[], $3::bytea[]) AS t(id, user_id, secret_hash)`,
      [ids, rows.map((r) => r.userId), rows.map((r) => r.hash)],
    );
  };
  for (let i = 0; i < LIVE_KEYS + REVOCATIONS; i++) {
    const key = generateApiKey();
    live.push({ ...key, userId: keyOwners[i % keyOwners.length].id, hash: hashSecret(SECRETS.API_KEY_HASH_SECRET, key.secret) });
  }
  await insert(live);
  const filler = TOTAL_KEYS - live.length;
  if (filler > 0) {
    log(`seeding ${filler.toLocaleString()} more keys with SQL`);
    // ids in the key alphabet: md5's hex digits with 0, 1, 8, 9 mapped onto base32 letters
    await db.query(
      `INSERT INTO api_keys (id, user_id, secret_hash, description, rights)
       SELECT substr(translate(upper(md5(i::text || 'a') || md5(i::text || 'b')), '0189', 'WXYZ'), 1, 39),
              ($2::uuid[])[1 + i % array_length($2::uuid[], 1)],
              decode(md5(i::text) || md5(i::text || 'c'), 'hex'),
              'bench filler key', ARRAY['RIGHT_USER_INFO']
         FROM generate_series(1, $1::int) AS i`,
      [filler, keyOwners.map((o) => o.id)],
    );
  }
  await db.query('ANALYZE api_keys');
  return { live: live.slice(0, LIVE_KEYS), spare: live.slice(LIVE_KEYS), owners };
}

let loadRun = 0;
function load(url, path, headerSets, { duration = DURATION, connections = CONNECTIONS, overallRate } = {}) {
  // the credentials go through a file: a million-character argument list is too long for exec
  const configFile = join(tmpdir(), `keygate-load-${process.pid}-${loadRun++}.json`);
  writeFileSync(configFile, JSON.stringify({ url, path, headerSets, duration, connections, overallRate }));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(root, 'bench/load.mjs'), configFile], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      rmSync(configFile, { force: true });
      if (error) reject(error);
      else resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];

/**
 * Every scenario ROUNDS times, interleaved, so drift (JIT, other processes, the database) falls on
 * all of them alike; each figure is the median of its rounds.
 */
async function measureAll(url, scenarios, pid) {
  for (const s of scenarios) await load(url, s.path, s.headerSets, { duration: 2 }); // warm-up, discarded
  const rounds = scenarios.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, s] of scenarios.entries()) {
      const cpuBefore = pid && cpuMicros(pid);
      const run = await load(url, s.path, s.headerSets);
      // the server's own CPU time per request: unlike req/s, not skewed by what else the machine runs
      if (pid) run.cpuMicrosPerRequest = (cpuMicros(pid) - cpuBefore) / run.total;
      rounds[i].push(run);
    }
    log(`round ${round + 1}/${ROUNDS}: ${rounds.map((r) => `${Math.round(r[round].requestsPerSecond)}/${r[round].cpuMicrosPerRequest?.toFixed(1)}µs`).join(' ')}`);
  }
  return scenarios.map((s, i) => {
    const runs = rounds[i];
    const statuses = {};
    for (const run of runs) for (const [code, n] of Object.entries(run.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
    return {
      label: s.label,
      path: s.path,
      requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      cpuMicrosPerRequest: runs[0].cpuMicrosPerRequest === undefined ? undefined : median(runs.map((r) => r.cpuMicrosPerRequest)),
      total: runs.reduce((sum, r) => sum + r.total, 0),
      statuses,
    };
  });
}

/** User and system CPU time the process has used, in microseconds (/proc/<pid>/stat, in clock ticks of 10 ms). */
function cpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function peakRss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function revocations(a, b, adminToken, spare, owners) {
  const sameInstanceAccepted = [];
  const acrossMs = [];
  const kinds = ['disable', 'delete', 'user-disable', 'user-delete'];
  const userOwners = owners.slice(10);
  for (let i = 0; i < REVOCATIONS; i++) {
    const kind = kinds[i % kinds.length];
    let key = spare[i];
    let ownerId = key.userId;
    if (kind.startsWith('user')) {
      // a key of its own user, so that revoking the user revokes only this key
      ownerId = userOwners.pop().id;
      const created = await api(a.url, 'POST', `/api/users/${ownerId}/api-keys`, { token: adminToken, body: { description: 'revoked' } });
      key = { key: created.body.key, id: created.body.id };
    }
    const headers = { 'X-Authorization': `ApiKey ${key.key}` };
    for (const server of [a, b]) {
      for (let w = 0; w < 3; w++) {
        const warm = await fetch(`${server.url}/api/rights`, { headers });
        if (warm.status !== 200) throw new Error(`warm-up of ${key.id} on ${server.name}: ${warm.status}`);
      }
    }
    const revoke = {
      disable: () => api(a.url, 'PATCH', `/api/users/${ownerId}/api-keys/${key.id}`, { token: adminToken, body: { enabled: false } }),
      delete: () => api(a.url, 'DELETE', `/api/users/${ownerId}/api-keys/${key.id}`, { token: adminToken }),
      'user-disable': () => api(a.url, 'PATCH', `/api/users/${ownerId}`, { token: adminToken, body: { enabled: false } }),
      'user-delete': () => api(a.url, 'DELETE', `/api/users/${ownerId}`, { token: adminToken }),
    }[kind];
    const reply = await revoke();
    const acknowledged = performance.now();
    if (reply.status >= 300) throw new Error(`${kind} ${key.id}: ${reply.status}`);
    if ((await fetch(`${a.url}/api/rights`, { headers })).status !== 401) sameInstanceAccepted.push(key.id);
    while ((await fetch(`${b.url}/api/rights`, { headers })).status !== 401) {
      if (performance.now() - acknowledged > 5000) throw new Error(`${b.name} still accepts ${key.id} after 5 s`);
    }
    acrossMs.push(performance.now() - acknowledged);
  }
  acrossMs.sort((x, y) => x - y);
  return {
    count: REVOCATIONS,
    sameInstanceAcceptedAfterRevoke: sameInstanceAccepted.length,
    acrossInstancesP50Ms: Number(acrossMs[Math.floor(acrossMs.length / 2)].toFixed(2)),
    acrossInstancesMaxMs: Number(acrossMs[acrossMs.length - 1].toFixed(2)),
  };
}

async function main() {
  const db = new pg.Client({ connectionString: args['database-url'] });
  await db.connect();
  await db.query(`CREATE SCHEMA ${schema}`);
  await db.query(`SET search_path TO ${schema}`);
  const servers = [];
  try {
    const a = args.url ? { name: 'A', url: args.url } : await startServer('A');
    servers.push(a);
    const login = await api(a.url, 'POST', '/api/auth/login', { body: { username: ADMIN.email, password: ADMIN.password } });
    const adminToken = login.body.token;
    log(`seeding ${TOTAL_KEYS.toLocaleString()} keys in schema ${schema}`);
    const { live, spare, owners } = await seed(db, adminToken, a.url);
    const [{ count }] = (await db.query('SELECT count(*)::int AS count FROM api_keys')).rows;
    const jwts = [];
    for (const owner of owners.slice(0, 10)) {
      jwts.push((await api(a.url, 'POST', '/api/auth/login', { body: { username: owner.email, password: 'owner-password-1' } })).body.token);
    }
    const xAuth = live.map((k) => ({ 'X-Authorization': `ApiKey ${k.key}` }));
    const bearer = live.map((k) => ({ Authorization: `Bearer ${k.key}` }));
    const unknownIds = live.map(() => ({ 'X-Authorization': `ApiKey ${generateApiKey().key}` }));
    const wrongSecrets = live.map((k) => ({ 'X-Authorization': `ApiKey NNSXS.${k.id}.${generateApiKey().secret}` }));
    const malformed = live.map((k, i) => ({ 'X-Authorization': `ApiKey ${k.key.slice(0, 20 + (i % 60))}` }));

    const [{ n_tup_upd: updatesBefore }] = (await db.query(`SELECT n_tup_upd::int FROM pg_stat_user_tables WHERE relname = 'api_keys' AND schemaname = $1`, [schema])).rows;
    const runs = await measureAll(a.url, [
      { label: 'baseline: GET /api/health (no credentials)', path: '/api/health', headerSets: [{}] },
      { label: 'GET /api/rights, X-Authorization: ApiKey (1,000 keys)', path: '/api/rights', headerSets: xAuth },
      { label: 'GET /api/rights, Authorization: Bearer <key> (1,000 keys)', path: '/api/rights', headerSets: bearer },
      { label: 'GET /api/rights, Authorization: Bearer <JWT> (10 users)', path: '/api/rights', headerSets: jwts.map((t) => ({ Authorization: `Bearer ${t}` })) },
      { label: 'wrong key: unknown id (1,000 ids)', path: '/api/rights', headerSets: unknownIds },
      { label: 'wrong key: known id, wrong secret', path: '/api/rights', headerSets: wrongSecrets },
      { label: 'wrong key: malformed', path: '/api/rights', headerSets: malformed },
    ], a.child?.pid);
    const requestsServed = runs.filter((r) => r.path === '/api/rights').reduce((sum, r) => sum + r.total, 0);

    // valid keys as fast as they go, alone and then beside a steady flood of wrong keys (10% of the
    // baseline's rate): a wrong key should cost its share of the server and no more
    const validAlone = await load(a.url, '/api/rights', xAuth, { connections: CONNECTIONS / 2, duration: DURATION * 2 });
    const floodRate = Math.round(runs[0].requestsPerSecond / 10);
    const [valid, flood] = await Promise.all([
      load(a.url, '/api/rights', xAuth, { connections: CONNECTIONS / 2, duration: DURATION * 2 }),
      load(a.url, '/api/rights', [...unknownIds, ...wrongSecrets, ...malformed], { connections: 10, duration: DURATION * 2, overallRate: floodRate }),
    ]);
    log(`flood: valid ${Math.round(valid.requestsPerSecond)} req/s beside ${Math.round(flood.requestsPerSecond)} wrong; alone ${Math.round(validAlone.requestsPerSecond)}`);

    await sleep(6000); // one lastUsedAt flush
    const [{ n_tup_upd: updatesAfter }] = (await db.query(`SELECT n_tup_upd::int FROM pg_stat_user_tables WHERE relname = 'api_keys' AND schemaname = $1`, [schema])).rows;
    const [{ fresh }] = (await db.query(`SELECT count(*)::int AS fresh FROM api_keys WHERE last_used_at > now() - interval '1 minute'`)).rows;

    const b = args.url ? undefined : await startServer('B');
    if (b) servers.push(b);
    const revocation = b ? await revocations(a, b, adminToken, spare, owners) : undefined;
    const rss = a.child ? peakRss(a.child.pid) : undefined;

    const baseline = runs[0].requestsPerSecond;
    const baselineP99 = runs[0].p99;
    const table = runs.map((r) => ({
      route: r.label,
      'req/s': Math.round(r.requestsPerSecond),
      'p50 ms': r.p50,
      'p99 ms': r.p99,
      ratio: Number((r.requestsPerSecond / baseline).toFixed(3)),
      'p99 ratio': Number((r.p99 / baselineP99).toFixed(2)),
      'CPU µs/req': r.cpuMicrosPerRequest && Number(r.cpuMicrosPerRequest.toFixed(1)),
      'CPU ratio': r.cpuMicrosPerRequest && Number((runs[0].cpuMicrosPerRequest / r.cpuMicrosPerRequest).toFixed(3)),
      '5xx': Object.entries(r.statuses).filter(([code]) => code.startsWith('5')).reduce((s, [, n]) => s + n, 0),
      statuses: Object.keys(r.statuses).join(','),
    }));
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      keysInTable: count,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      rounds: ROUNDS,
      baselineRequestsPerSecond: Math.round(baseline),
      baselineP99Ms: baselineP99,
      table,
      flood: {
        validRequestsPerSecond: Math.round(valid.requestsPerSecond),
        validAloneRequestsPerSecond: Math.round(validAlone.requestsPerSecond),
        ratio: Number((valid.requestsPerSecond / validAlone.requestsPerSecond).toFixed(3)),
        wrongRequestsPerSecond: Math.round(flood.requestsPerSecond),
        wrong5xx: Object.entries(flood.statuses).filter(([c]) => c.startsWith('5')).reduce((s, [, n]) => s + n, 0),
      },
      lastUsedAt: { requestsWithKeys: requestsServed, rowUpdates: updatesAfter - updatesBefore, keysUsedInLastMinute: fresh },
      revocation,
      serverPeakRssMiB: rss && Math.round(rss / 2 ** 20),
    };
    console.table(table);
    console.log(JSON.stringify({ ...result, table: undefined }, null, 2));
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    const file = join(root, `bench/results/${result.date.slice(0, 19).replace(/[:T]/g, '-')}-${TOTAL_KEYS}-keys.json`);
    writeFileSync(file, JSON.stringify(result, null, 2));
    log(`written to ${file}`);
  } finally {
    for (const server of servers) server.child?.kill('SIGTERM');
    await sleep(500);
    await db.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
    await db.end();
  }
}

await main();
