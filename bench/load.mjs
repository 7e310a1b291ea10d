// One load run, in a process of its own so the load generator never shares the server's event loop.
// Usage: node bench/load.mjs <config.json>  ->  prints one JSON line with the figures.
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const headerSets = config.headerSets ?? [{}];
let next = 0;

const result = await autocannon({
  url: config.url,
  connections: config.connections,
  duration: config.duration,
  pipelining: 1,
  // a fixed request rate instead of as fast as possible (the wrong-key flood)
  ...(config.overallRate ? { overallRate: config.overallRate } : {}),
  requests: [
    {
      method: 'GET',
      path: config.path,
      // each request takes the next credential, so the load is spread over all of them
      setupRequest: (request) => ({ ...request, headers: { ...request.headers, ...headerSets[next++ % headerSets.length] } }),
    },
  ],
});

const statuses = {};
for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = count;
console.log(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses,
  }),
);
