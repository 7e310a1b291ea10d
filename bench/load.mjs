// One load run, in a process of its own so the load generator never shares the server's event loop.
// Usage: node bench/load.mjs <config.json>  ->  prints one JSON line with the figures.
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const headerSets = config.headerSets ?? [{}];
// `mix`: every `every`-th request takes the next of `mix.headerSets` instead (the wrong-key flood)
const mix = config.mix;
// `bodies`: each request takes the next body too (POST /api/keys/verify, one key a request)
const bodies = config.bodies;
let next = 0;
let mixed = 0;
const credentials = (n) => (mix && n % mix.every === 0 ? mix.headerSets[mixed++ % mix.headerSets.length] : headerSets[n % headerSets.length]);

const instance = autocannon({
  url: config.url,
  connections: config.connections,
  duration: config.duration,
  pipelining: 1,
  requests: [
    {
      method: config.method ?? 'GET',
      path: config.path,
      // each request takes the next credential, so the load is spread over all of them
      setupRequest: (request) => {
        const n = next++;
        const headers = { ...request.headers, ...credentials(n) };
        if (!bodies) return { ...request, headers };
        return { ...request, headers: { ...headers, 'content-type': 'application/json' }, body: bodies[n % bodies.length] };
      },
    },
  ],
});
// every response's latency, to the microsecond: autocannon's own histogram counts whole
// milliseconds, and only for 2xx answers
const latencies = [];
instance.on('response', (_client, _status, _bytes, milliseconds) => latencies.push(milliseconds));
const result = await instance;
latencies.sort((a, b) => a - b);
const percentile = (p) => Number((latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? 0).toFixed(3));

const statuses = {};
for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = count;
console.log(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p50: percentile(50),
    p99: percentile(99),
    errors: result.errors,
    timeouts: result.timeouts,
    statuses,
  }),
);
