// npm run bench [-- --keys 1000000] [--rounds 9] [--duration 2] [--connections 50] [--url http://host:port]
//                [--only <label regex>] [--profile] [--pin] [--compare-keys 1000000] [--compare-build <dir>]
//                [--redis-url redis://127.0.0.1:6379 | none]
//
// Starts keygate on the PostgreSQL server (a schema of its own), seeds users and keys with SQL,
// warms up, then drives load with autocannon from a separate process and prints each route's
// req/s, p50 and p99 as ratios to the same server's unauthenticated GET /api/health, measured in
// the same run. Also measures a cold burst (every key at once, never seen), revocation (same
// instance and across two instances), the wrong-key flood, lastUsedAt coalescing and the server's
// peak RSS. Writes the figures to bench/results/.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { generateApiKey, hashSecret } from '../dist/src/api-keys/api-key-format.js';
import { startNginx } from './nginx.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '9' },
    connections: { type: 'string', default: '50' },
    url: { type: 'string' },
    // only the scenarios whose label matches (the baseline always runs); skips the flood and revocation parts
    only: { type: 'string' },
    // a V8 CPU profile of the server per scenario (last round, the cache warm), under bench/results/
    profile: { type: 'boolean', default: false },
    pin: { type: 'boolean', default: false },
    'database-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    // a second server on a table of this many keys, measured round by round beside the first
    'compare-keys': { type: 'string' },
    // a second server built from another checkout (its dist/), on a table of --keys keys, measured
    // round by round beside this one: before and after a change, in one run
    'compare-build': { type: 'string' },
    // through Debian's nginx: auth_request to /api/forward-auth beside auth_request to /api/health and no auth_request
    nginx: { type: 'boolean', default: false },
    // where the servers count keys' rate limits (a prefix of this run's own, removed at the end); 'none': in memory
    'redis-url': { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const TOTAL_KEYS = Number(args.keys);
const LIVE_KEYS = 1000;
const DURATION = Number(args.duration);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const REVOCATIONS = 100;
const FLOOD_SECONDS = 8;
const SECRETS = { JWT_SECRET: randomBytes(32).toString('hex'), API_KEY_HASH_SECRET: randomBytes(32).toString('hex') };
const ADMIN = { email: 'bench-admin@keygate.test', password: 'bench-password-1' };
const schema = `kg_bench_${randomBytes(4).toString('hex')}`;
const REDIS = args['redis-url'] === 'none' ? {} : { REDIS_URL: args['redis-url'], REDIS_KEY_PREFIX: `${schema}:` };
/** A rate limit no bench run reaches: the scenario measures what counting costs, not refusals. */
const UNREACHED_LIMIT = { limit: 1_000_000, windowSeconds: 60 };
const profileDir = join(root, 'bench/results', `profile-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`);
if (args.profile) mkdirSync(profileDir, { recursive: true });
const log = (...parts) => console.error('[bench]', ...parts);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * With `--pin` (Linux, taskset), the server runs on CPU 0 and the load generator on CPU 1: on a
 * small machine they then stop taking turns on the same core, which is most of the spread
 * between runs. The second server of the revocation test is not pinned.
 */
const SERVER_CPU = 0;
const LOAD_CPU = cpus().length - 1;
function pinned(cpu, [command, ...rest]) {
  return args.pin ? ['taskset', ['-c', String(cpu), command, ...rest]] : [command, rest];
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startServer(name, serverSchema = schema, serverRoot = root) {
  const port = await freePort();
  const command = [process.execPath, join(serverRoot, 'dist/src/main.js')];
  const child = spawn(...(name === 'A' ? pinned(SERVER_CPU, command) : [command[0], command.slice(1)]), {
    env: {
      ...process.env,
      ...SECRETS,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: args['database-url'],
      DATABASE_SCHEMA: serverSchema,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      ...REDIS,
      LAST_USED_FLUSH_SECONDS: '5',
      // the wrong-key runs measure the 401 path itself; with the limit on they would soon get (cheaper) 429s
      AUTH_MAX_FAILURES_PER_MINUTE: '0',
      NODE_ENV: 'production',
      // the platform's routes for the forward-auth scenarios (the contract's example policy)
      ACCESS_POLICY_FILE: join(root, 'test/fixtures/access-policy.json'),
      ...(args.profile ? { NODE_OPTIONS: `--import=${join(root, 'bench/profile-hook.mjs')}`, PROFILE_FILE_PREFIX: join(profileDir, name) } : {}),
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
async function seed(db, adminToken, url, totalKeys) {
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
  const insert = async (rows, rateLimit = { limit: null, windowSeconds: null }) => {
    const ids = rows.map((r) => r.id);
    await db.query(
      `INSERT INTO api_keys (id, user_id, secret_hash, description, rights, rate_limit, rate_limit_window_seconds)
       SELECT id, user_id, secret_hash, 'bench live key', ARRAY['RIGHT_ALL'], $4, $5
         FROM unnest($1::varchar[], $2::uuid[], $3::bytea[]) AS t(id, user_id, secret_hash)`,
      [ids, rows.map((r) => r.userId), rows.map((r) => r.hash), rateLimit.limit, rateLimit.windowSeconds],
    );
  };
  const newKeys = (n) =>
    Array.from({ length: n }, (_, i) => {
      const key = generateApiKey();
      return { ...key, userId: keyOwners[i % keyOwners.length].id, hash: hashSecret(SECRETS.API_KEY_HASH_SECRET, key.secret) };
    });
  live.push(...newKeys(LIVE_KEYS + REVOCATIONS));
  await insert(live);
  // as many keys again with a rate limit, counted in Redis (or in memory with --redis-url none)
  const limited = newKeys(LIVE_KEYS);
  await insert(limited, UNREACHED_LIMIT);
  const filler = totalKeys - live.length;
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
  // vacuumed now, so that autovacuum does not take its turn on the seeded rows in the middle of a measurement
  await db.query('VACUUM ANALYZE api_keys');
  return { live: live.slice(0, LIVE_KEYS), spare: live.slice(LIVE_KEYS), limited, owners };
}

let loadRun = 0;
function load(url, path, headerSets, { duration = DURATION, connections = CONNECTIONS, mix, method, bodies } = {}) {
  // the credentials go through a file: a million-character argument list is too long for exec
  const configFile = join(tmpdir(), `keygate-load-${process.pid}-${loadRun++}.json`);
  writeFileSync(configFile, JSON.stringify({ url, path, headerSets, duration, connections, mix, method, bodies }));
  return new Promise((resolve, reject) => {
    execFile(...pinned(LOAD_CPU, [process.execPath, join(root, 'bench/load.mjs'), configFile]), { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      rmSync(configFile, { force: true });
      if (error) reject(error);
      else resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];

/**
 * Every scenario ROUNDS times, interleaved with the baseline: B S1 B S2 B … Sn B in each round, so
 * each scenario run is flanked by two baseline runs. Its ratio for the round is taken against the
 * mean of those two, which cancels a slow spell of the machine (other tenants of the host, the
 * database) that a baseline measured a minute earlier would not share; each figure is the median
 * over the rounds.
 */
async function measureAll(url, [baseline, ...scenarios], pid) {
  for (const s of [baseline, ...scenarios]) await load(url, s.path, s.headerSets, { duration: 2, method: s.method, bodies: s.bodies }); // warm-up, discarded
  const baselineRuns = [];
  const runs = scenarios.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const measured = await measureRound(url, pid, baseline, scenarios, Boolean(args.profile && pid && round === ROUNDS - 1), round);
    baselineRuns.push(...measured.baselineRuns);
    measured.runs.forEach((run, i) => runs[i].push(run));
    log(`round ${round + 1}/${ROUNDS}: ${measured.runs.map((r) => `${r.ratio.toFixed(2)}/${r.cpuMicrosPerRequest?.toFixed(1)}µs`).join(' ')} (ratio/CPU per request)`);
  }
  return summarise(baseline, scenarios, baselineRuns, runs, pid);
}

/**
 * One round: B S1 B S2 B … Sn B; each scenario run carries its ratios to the two baseline runs
 * around it. Round r starts at scenario r (S(r+1) … Sn S1 … Sr), so no scenario is always the
 * first after the others: what a pause does to a server (entries aging out, code warming again)
 * falls on each in turn.
 */
let profiled = 0;
async function measureRound(url, pid, baseline, scenarios, profiling, round = 0) {
  const measure = async (s, profile) => {
    const cpuBefore = pid && cpuMicros(pid);
    if (profile) log(`profile ${profiled++}: ${s.label}`);
    if (profile) process.kill(pid, 'SIGWINCH');
    const run = await load(url, s.path, s.headerSets, { method: s.method, bodies: s.bodies });
    if (profile) process.kill(pid, 'SIGWINCH');
    // the server's own CPU time per request: unlike req/s, not skewed by the load generator
    if (pid) run.cpuMicrosPerRequest = (cpuMicros(pid) - cpuBefore) / run.total;
    return run;
  };
  let before = await measure(baseline, profiling);
  const baselineRuns = [before];
  const runs = [];
  for (let k = 0; k < scenarios.length; k++) {
    const i = (k + round) % scenarios.length;
    const run = await measure(scenarios[i], profiling);
    const after = await measure(baseline, false);
    baselineRuns.push(after);
    const mean = (of) => (of(before) + of(after)) / 2;
    run.ratio = run.requestsPerSecond / mean((r) => r.requestsPerSecond);
    run.p99Ratio = run.p99 / mean((r) => r.p99);
    if (pid) run.cpuRatio = mean((r) => r.cpuMicrosPerRequest) / run.cpuMicrosPerRequest;
    runs[i] = run;
    before = after;
  }
  return { baselineRuns, runs };
}

/** Medians over the rounds, and how much the baseline itself varied (the machine's own noise). */
function summarise(baseline, scenarios, baselineRuns, runs, pid) {
  const summary = (s, rs, paired) => {
    const statuses = {};
    for (const run of rs) for (const [code, n] of Object.entries(run.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
    return {
      label: s.label,
      path: s.path,
      requestsPerSecond: median(rs.map((r) => r.requestsPerSecond)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      ratio: paired ? median(rs.map((r) => r.ratio)) : 1,
      p99Ratio: paired ? median(rs.map((r) => r.p99Ratio)) : 1,
      cpuMicrosPerRequest: pid ? median(rs.map((r) => r.cpuMicrosPerRequest)) : undefined,
      cpuRatio: pid ? (paired ? median(rs.map((r) => r.cpuRatio)) : 1) : undefined,
      total: rs.reduce((sum, r) => sum + r.total, 0),
      statuses,
    };
  };
  const rates = baselineRuns.map((r) => r.requestsPerSecond).sort((x, y) => x - y);
  const spread = (rates[Math.floor(rates.length * 0.9)] - rates[Math.floor(rates.length * 0.1)]) / median(rates);
  return Object.assign([summary(baseline, baselineRuns, false), ...scenarios.map((s, i) => summary(s, runs[i], true))], { baselineSpread: spread });
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

/**
 * A fleet of clients coming back at once: every live key, never seen by this server yet, in one
 * burst of concurrent requests. How long until all are answered, and how many database
 * transactions it took: the server's sessions report their counts when idle (within 10 s), so the
 * count is read 11 s before and after, and also holds what runs in the background meanwhile (a
 * last-used write, the notification listener's probes: about 10).
 */
async function coldBurst(url, db, headerSets) {
  const transactions = async () => (await db.query('SELECT xact_commit::int + xact_rollback::int AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0].n;
  await sleep(11_000);
  const before = await transactions();
  const started = performance.now();
  const statuses = await Promise.all(headerSets.map((headers) => fetch(`${url}/api/rights`, { headers }).then((r) => r.status)));
  const allAnsweredMs = performance.now() - started;
  await sleep(11_000);
  // this client's own query (the second read) counts too
  const databaseTransactions = (await transactions()) - before - 1;
  return { keys: headerSets.length, accepted: statuses.filter((st) => st === 200).length, allAnsweredMs: Math.round(allAnsweredMs), databaseTransactions };
}

/** A server on a schema of its own, seeded with `totalKeys` keys, and the credentials to drive it with. */
/** Removes what this run wrote in Redis (its prefix's keys), and nothing else. */
async function forgetRedisKeys() {
  if (!REDIS.REDIS_URL) return;
  const redis = new Redis(REDIS.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`${REDIS.REDIS_KEY_PREFIX}*`);
    if (keys.length) await redis.del(...keys);
  } catch (error) {
    log(`could not remove this run's Redis keys: ${error.message}`);
  } finally {
    redis.disconnect();
  }
}

async function prepare(name, totalKeys, serverSchema, cleanup, serverRoot = root) {
  const db = new pg.Client({ connectionString: args['database-url'] });
  await db.connect();
  await db.query(`CREATE SCHEMA ${serverSchema}`);
  cleanup.push(async () => {
    await db.query(`DROP SCHEMA ${serverSchema} CASCADE`).catch(() => undefined);
    await db.end();
    await forgetRedisKeys();
  });
  await db.query(`SET search_path TO ${serverSchema}`);
  const server = args.url ? { name, url: args.url } : await startServer(name, serverSchema, serverRoot);
  cleanup.unshift(async () => {
    server.child?.kill('SIGTERM');
    await sleep(500);
  });
  const login = await api(server.url, 'POST', '/api/auth/login', { body: { username: ADMIN.email, password: ADMIN.password } });
  const adminToken = login.body.token;
  log(`seeding ${totalKeys.toLocaleString()} keys in schema ${serverSchema}`);
  const { live, spare, limited, owners } = await seed(db, adminToken, server.url, totalKeys);
  const [{ count }] = (await db.query('SELECT count(*)::int AS count FROM api_keys')).rows;
  const jwts = [];
  for (const owner of owners.slice(0, 10)) {
    jwts.push((await api(server.url, 'POST', '/api/auth/login', { body: { username: owner.email, password: 'owner-password-1' } })).body.token);
  }
  const credentials = {
    xAuth: live.map((k) => ({ 'X-Authorization': `ApiKey ${k.key}` })),
    rateLimited: limited.map((k) => ({ 'X-Authorization': `ApiKey ${k.key}` })),
    bearer: live.map((k) => ({ Authorization: `Bearer ${k.key}` })),
    jwt: jwts.map((t) => ({ Authorization: `Bearer ${t}` })),
    unknownIds: live.map(() => ({ 'X-Authorization': `ApiKey ${generateApiKey().key}` })),
    wrongSecrets: live.map((k) => ({ 'X-Authorization': `ApiKey NNSXS.${k.id}.${generateApiKey().secret}` })),
    malformed: live.map((k, i) => ({ 'X-Authorization': `ApiKey ${k.key.slice(0, 20 + (i % 60))}` })),
    // a platform service verifying its clients' keys, with the system administrator's token
    verifier: [{ Authorization: `Bearer ${adminToken}` }],
    verifyBodies: live.map((k) => JSON.stringify({ key: k.key })),
    verifyUnknownBodies: live.map(() => JSON.stringify({ key: generateApiKey().key })),
    // a gateway asking about GET /v1/telemetry/… (RIGHT_TELEMETRY_READ, which tenant administrators hold)
    forwarded: live.map((k) => ({ Authorization: `Bearer ${k.key}`, 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': '/v1/telemetry/room-1' })),
    forwardedUnknown: live.map(() => ({ Authorization: `Bearer ${generateApiKey().key}`, 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': '/v1/telemetry/room-1' })),
  };
  return { server, db, count, adminToken, spare, owners, credentials, schema: serverSchema };
}

function scenariosFor({ xAuth, rateLimited, bearer, jwt, unknownIds, wrongSecrets, malformed, verifier, verifyBodies, verifyUnknownBodies, forwarded, forwardedUnknown }) {
  return [
    { label: 'baseline: GET /api/health (no credentials)', path: '/api/health', headerSets: [{}] },
    { label: 'GET /api/rights, X-Authorization: ApiKey (1,000 keys)', path: '/api/rights', headerSets: xAuth },
    { label: `GET /api/rights, rate-limited key, counted ${REDIS.REDIS_URL ? 'in Redis' : 'in memory'} (1,000 keys)`, path: '/api/rights', headerSets: rateLimited },
    { label: 'GET /api/rights, Authorization: Bearer <key> (1,000 keys)', path: '/api/rights', headerSets: bearer },
    { label: 'GET /api/rights, Authorization: Bearer <JWT> (10 users)', path: '/api/rights', headerSets: jwt },
    { label: 'wrong key: unknown id (1,000 ids)', path: '/api/rights', headerSets: unknownIds },
    { label: 'wrong key: known id, wrong secret', path: '/api/rights', headerSets: wrongSecrets },
    { label: 'wrong key: malformed', path: '/api/rights', headerSets: malformed },
    { label: 'POST /api/keys/verify, valid key (1,000 keys)', path: '/api/keys/verify', method: 'POST', headerSets: verifier, bodies: verifyBodies },
    { label: 'POST /api/keys/verify, unknown key (1,000 ids)', path: '/api/keys/verify', method: 'POST', headerSets: verifier, bodies: verifyUnknownBodies },
    { label: 'GET /api/forward-auth, valid key (1,000 keys)', path: '/api/forward-auth', headerSets: forwarded },
    { label: 'GET /api/forward-auth, unknown key (1,000 ids)', path: '/api/forward-auth', headerSets: forwardedUnknown },
  ];
}

const writeResult = (result, suffix) => {
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const file = join(root, `bench/results/${result.date.slice(0, 19).replace(/[:T]/g, '-')}-${suffix}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  log(`written to ${file}`);
};
const machine = () => ({ cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version });

/**
 * `--compare-keys N` / `--compare-build <dir>`: the valid-credential scenarios (or those `--only`
 * names) on two servers at once, round by round (the order alternating), so that the machine's
 * slow spells fall on both: one server on a table of --keys keys, the other on a table of N keys,
 * or built from another checkout. The change is the median of the round-by-round ratio of their
 * ratios to their own baselines.
 */
async function compareServers({ keys, serverRoot, label }) {
  const cleanup = [];
  try {
    const first = await prepare('A', TOTAL_KEYS, schema, cleanup);
    const second = await prepare('L', keys, `${schema}_l`, cleanup, serverRoot);
    const labels = serverRoot ? ['this build', label] : [`${first.count.toLocaleString()} keys`, `${second.count.toLocaleString()} keys`];
    const pick = (all) => (args.only ? all.filter((sc, i) => i === 0 || new RegExp(args.only, 'i').test(sc.label)) : all.slice(0, 4));
    const targets = [first, second].map((t) => {
      const scenarios = pick(scenariosFor(t.credentials));
      return { ...t, scenarios, runs: scenarios.slice(1).map(() => []), baselineRuns: [] };
    });
    for (const t of targets) for (const sc of t.scenarios) await load(t.server.url, sc.path, sc.headerSets, { duration: 2, method: sc.method, bodies: sc.bodies });
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of round % 2 ? [...targets].reverse() : targets) {
        const [baseline, ...scenarios] = t.scenarios;
        const measured = await measureRound(t.server.url, t.server.child?.pid, baseline, scenarios, false, round);
        t.baselineRuns.push(...measured.baselineRuns);
        measured.runs.forEach((run, i) => t.runs[i].push(run));
      }
      log(`round ${round + 1}/${ROUNDS}: ${targets.map((t, k) => `${labels[k]} ${t.runs.map((r) => r[round].ratio.toFixed(2)).join(' ')}`).join('; ')}`);
    }
    const [a, b] = targets.map((t) => summarise(t.scenarios[0], t.scenarios.slice(1), t.baselineRuns, t.runs, t.server.child?.pid));
    const table = a.slice(1).map((row, i) => ({
      route: row.label,
      [`ratio, ${labels[0]}`]: Number(row.ratio.toFixed(3)),
      [`ratio, ${labels[1]}`]: Number(b[i + 1].ratio.toFixed(3)),
      change: Number((median(targets[1].runs[i].map((run, k) => run.ratio / targets[0].runs[i][k].ratio)) - 1).toFixed(3)),
      [`CPU µs/req, ${labels[0]}`]: row.cpuMicrosPerRequest && Number(row.cpuMicrosPerRequest.toFixed(1)),
      [`CPU µs/req, ${labels[1]}`]: b[i + 1].cpuMicrosPerRequest && Number(b[i + 1].cpuMicrosPerRequest.toFixed(1)),
    }));
    console.table(table);
    const peak = (t) => t.server.child && Math.round(peakRss(t.server.child.pid) / 2 ** 20);
    const result = {
      date: new Date().toISOString(),
      machine: machine(),
      servers: labels,
      keysInTable: [first.count, second.count],
      rounds: ROUNDS,
      baselineRequestsPerSecond: [Math.round(a[0].requestsPerSecond), Math.round(b[0].requestsPerSecond)],
      baselineSpread: [Number(a.baselineSpread.toFixed(3)), Number(b.baselineSpread.toFixed(3))],
      table,
      serverPeakRssMiB: [peak(first), peak(second)],
    };
    console.log(JSON.stringify({ ...result, table: undefined }, null, 2));
    writeResult(result, serverRoot ? 'vs-build' : `${first.count}-vs-${second.count}-keys`);
  } finally {
    for (const step of cleanup) await step();
  }
}

/**
 * `--nginx`: requests to an upstream through nginx, with a valid key, the gateway asking keygate about
 * each (auth_request → /api/forward-auth), against the same nginx asking keygate's public /api/health
 * (what the subrequest itself costs), and beside it nginx with no auth_request at all. CPU µs a request
 * is keygate's.
 */
async function throughNginx() {
  const cleanup = [];
  try {
    const { server, credentials } = await prepare('A', TOTAL_KEYS, schema, cleanup);
    const gateway = await startNginx({ port: await freePort(), upstreamPort: await freePort(), keygateUrl: server.url });
    cleanup.unshift(async () => gateway.stop());
    const bearer = credentials.bearer;
    const runs = await measureAll(gateway.url, [
      { label: 'baseline: nginx auth_request to GET /api/health (no credentials checked)', path: '/health-checked/v1/telemetry/room-1', headerSets: bearer },
      { label: 'nginx auth_request to /api/forward-auth, valid key (1,000 keys)', path: '/v1/telemetry/room-1', headerSets: bearer },
      { label: 'nginx → upstream, no auth_request', path: '/plain/v1/telemetry/room-1', headerSets: bearer },
    ], server.child?.pid);
    console.table(runs.map((r) => ({ route: r.label, 'req/s': Math.round(r.requestsPerSecond), ratio: Number(r.ratio.toFixed(3)), 'p99 ms': r.p99, 'keygate CPU µs/req': r.cpuMicrosPerRequest && Number(r.cpuMicrosPerRequest.toFixed(1)), statuses: Object.keys(r.statuses).join(',') })));
    writeResult({ date: new Date().toISOString(), machine: machine(), rounds: ROUNDS, baselineSpread: Number(runs.baselineSpread.toFixed(3)), table: runs }, 'nginx');
  } finally {
    for (const step of cleanup) await step();
  }
}

async function main() {
  if (args.nginx) return throughNginx();
  if (args['compare-keys']) return compareServers({ keys: Number(args['compare-keys']) });
  if (args['compare-build']) return compareServers({ keys: TOTAL_KEYS, serverRoot: resolve(args['compare-build']), label: args['compare-build'] });
  const cleanup = [];
  try {
    const { server: a, db, count, adminToken, spare, owners, credentials } = await prepare('A', TOTAL_KEYS, schema, cleanup);
    const servers = [];
    cleanup.unshift(async () => {
      for (const server of servers) server.child?.kill('SIGTERM');
    });
    const { xAuth, unknownIds, wrongSecrets, malformed } = credentials;

    const cold = await coldBurst(a.url, db, xAuth);
    log(`cold burst: ${cold.keys} keys never seen, ${cold.accepted} accepted, all answered in ${cold.allAnsweredMs} ms, ${cold.databaseTransactions} database transactions`);
    const [{ n_tup_upd: updatesBefore }] = (await db.query(`SELECT n_tup_upd::int FROM pg_stat_user_tables WHERE relname = 'api_keys' AND schemaname = $1`, [schema])).rows;
    const scenarios = scenariosFor(credentials).filter((s, i) => i === 0 || !args.only || new RegExp(args.only, 'i').test(s.label));
    const runs = await measureAll(a.url, scenarios, a.child?.pid);
    if (args.only) {
      console.table(runs.map((r) => ({ route: r.label, 'req/s': Math.round(r.requestsPerSecond), ratio: Number(r.ratio.toFixed(3)), 'p99 ms': r.p99, 'p99 ratio': Number(r.p99Ratio.toFixed(2)), 'CPU µs/req': r.cpuMicrosPerRequest && Number(r.cpuMicrosPerRequest.toFixed(1)), 'CPU ratio': r.cpuRatio && Number(r.cpuRatio.toFixed(3)) })));
      if (args.profile) log(`profiles in ${profileDir}`);
      return;
    }
    const requestsServed = runs.filter((r) => r.path === '/api/rights').reduce((sum, r) => sum + r.total, 0);

    // valid keys as fast as they go, alone and with one request in ten carrying a wrong key (a
    // flood of 10%, from the same load generator: on a small machine a third process would
    // measure the machine rather than the server). A wrong key should cost its share of the server
    // and no more. Alone, flood, alone, flood, alone: each flood run is compared with the mean of
    // the runs alone around it; the lower of the two comparisons is reported.
    const wrongKeys = [...unknownIds, ...wrongSecrets, ...malformed];
    const validLoad = (mix) => load(a.url, '/api/rights', xAuth, { duration: FLOOD_SECONDS, mix });
    let alone = await validLoad();
    const floods = [];
    for (let i = 0; i < 2; i++) {
      const mixed = await validLoad({ every: 10, headerSets: wrongKeys });
      const valid = (mixed.statuses['200'] ?? 0) / mixed.total;
      const after = await validLoad();
      const aloneRate = (alone.requestsPerSecond + after.requestsPerSecond) / 2;
      floods.push({
        validRate: mixed.requestsPerSecond * valid,
        wrongRate: mixed.requestsPerSecond * (1 - valid),
        wrong5xx: Object.entries(mixed.statuses).filter(([code]) => code.startsWith('5')).reduce((sum, [, n]) => sum + n, 0),
        aloneRate,
        ratio: (mixed.requestsPerSecond * valid) / aloneRate,
      });
      alone = after;
    }
    const flood = [...floods].sort((x, y) => x.ratio - y.ratio)[0];
    log(`flood: ${floods.map((f) => `valid ${Math.round(f.validRate)} req/s beside ${Math.round(f.wrongRate)} wrong, alone ${Math.round(f.aloneRate)}`).join('; ')}`);

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
      ratio: Number(r.ratio.toFixed(3)),
      'p99 ratio': Number(r.p99Ratio.toFixed(2)),
      'CPU µs/req': r.cpuMicrosPerRequest && Number(r.cpuMicrosPerRequest.toFixed(1)),
      'CPU ratio': r.cpuRatio && Number(r.cpuRatio.toFixed(3)),
      '5xx': Object.entries(r.statuses).filter(([code]) => code.startsWith('5')).reduce((s, [, n]) => s + n, 0),
      statuses: Object.keys(r.statuses).join(','),
    }));
    const result = {
      date: new Date().toISOString(),
      machine: machine(),
      keysInTable: count,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      rounds: ROUNDS,
      baselineRequestsPerSecond: Math.round(baseline),
      // (p90 − p10) / median of the baseline's own runs: above ~0.15 the machine was busy with more than this bench
      baselineSpread: Number(runs.baselineSpread.toFixed(3)),
      baselineP99Ms: baselineP99,
      table,
      flood: {
        // the lower of the two flood runs
        validRequestsPerSecond: Math.round(flood.validRate),
        validAloneRequestsPerSecond: Math.round(flood.aloneRate),
        ratio: Number(flood.ratio.toFixed(3)),
        wrongRequestsPerSecond: Math.round(flood.wrongRate),
        wrong5xx: floods.reduce((sum, f) => sum + f.wrong5xx, 0),
      },
      lastUsedAt: { requestsWithKeys: requestsServed, rowUpdates: updatesAfter - updatesBefore, keysUsedInLastMinute: fresh },
      coldBurst: cold,
      revocation,
      serverPeakRssMiB: rss && Math.round(rss / 2 ** 20),
    };
    console.table(table);
    if (runs.baselineSpread > 0.15) log(`the baseline itself varied by ${Math.round(runs.baselineSpread * 100)}% between its runs: a noisy machine, read the ratios with care`);
    console.log(JSON.stringify({ ...result, table: undefined }, null, 2));
    writeResult(result, `${TOTAL_KEYS}-keys`);
  } finally {
    for (const step of cleanup) await step();
  }
}

await main();
