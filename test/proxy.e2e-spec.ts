import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthFailures } from '../src/auth/verify/auth-failures.js';
import { World } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/*
 * The tests connect from 127.0.0.1, so that is the address a proxy in front of keygate would have.
 * X-Forwarded-For grows to the right: each proxy appends the address it was reached from, so the
 * leftmost entries are whatever the client wrote, and only the rightmost ones can be believed.
 */

/** Where the audit trail says a failed key check came from, when it arrived with `forwardedFor`. */
async function auditedAddress(sut: TestApp, world: World, forwardedFor?: string): Promise<string> {
  const admin = await world.admin();
  const created = await world.makeKey(admin);
  const wrong = `${created.key.slice(0, -1)}${created.key.endsWith('A') ? 'B' : 'A'}`;
  const headers: Record<string, string> = { 'X-Authorization': `ApiKey ${wrong}` };
  if (forwardedFor !== undefined) headers['X-Forwarded-For'] = forwardedFor;
  expect((await world.client.call('GET', '/api/auth/user', { headers })).status).toBe(401);
  await sut.app.get(AuthFailures).flush();
  const audit = await world.client.get(`/api/audit?apiKeyId=${created.id}&action=API_KEY_AUTH_FAILED`, { jwt: admin.jwt });
  expect(audit.status).toBe(200);
  expect(audit.body.data).toHaveLength(1);
  return audit.body.data[0].clientIp;
}

describe.each<[string, Record<string, string>, Array<[string | undefined, string]>]>([
  ['absent (no proxy)', {}, [[undefined, '127.0.0.1'], ['6.6.6.6', '127.0.0.1'], ['6.6.6.6, 5.6.7.8', '127.0.0.1']]],
  ['1 (one hop)', { TRUST_PROXY: '1' }, [[undefined, '127.0.0.1'], ['5.6.7.8', '5.6.7.8'], ['1.2.3.4, 5.6.7.8', '5.6.7.8'], ['6.6.6.6, 6.6.6.7, 5.6.7.8', '5.6.7.8'], ['x'.repeat(300), '127.0.0.1']]],
  ['2 (two hops)', { TRUST_PROXY: '2' }, [['6.6.6.6, 1.2.3.4, 5.6.7.8', '1.2.3.4']]],
  ['127.0.0.1 (a gateway on this host)', { TRUST_PROXY: '127.0.0.1' }, [['6.6.6.6, 5.6.7.8', '5.6.7.8'], ['6.6.6.6, 127.0.0.1', '6.6.6.6']]],
  ['127.0.0.1,10.0.0.0/8 (a chain of proxies)', { TRUST_PROXY: '127.0.0.1,10.0.0.0/8' }, [['6.6.6.6, 5.6.7.8, 10.1.2.3', '5.6.7.8'], ['6.6.6.6, 5.6.7.8, 10.1.2.3, 10.9.9.9', '5.6.7.8']]],
  ['true (read as loopback)', { TRUST_PROXY: 'true' }, [['6.6.6.6, 5.6.7.8', '5.6.7.8']]],
])('TRUST_PROXY=%s', (_name, env, cases) => {
  let sut: TestApp;
  let world: World;

  beforeAll(async () => {
    sut = await startTestApp(env);
    world = new World(sut);
  });
  afterAll(() => sut.close());

  it.each(cases)('X-Forwarded-For: %s from 127.0.0.1 is audited as %s; a spoofed leftmost entry is not the address', async (forwardedFor, expected) => {
    expect(await auditedAddress(sut, world, forwardedFor)).toBe(expected);
  });
});

describe('failure limits behind one proxy (TRUST_PROXY=1)', () => {
  let sut: TestApp;
  let world: World;

  beforeAll(async () => {
    sut = await startTestApp({ TRUST_PROXY: '1', AUTH_MAX_FAILURES_PER_MINUTE: '3' });
    world = new World(sut);
  });
  afterAll(() => sut.close());

  it('counts the address the proxy saw: a client varying the entries it writes is still limited, its neighbour is not', async () => {
    const wrongKey = `NNSXS.${'A'.repeat(39)}.${'A'.repeat(52)}`;
    // client A (5.6.7.8) writes a new address of its own before what the proxy appends, every time
    const fromA = (i: number) =>
      world.client.call('GET', '/api/rights', { key: wrongKey }, undefined, { 'X-Forwarded-For': `203.0.113.${i}, 5.6.7.8` });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await fromA(i)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // client B behind the same proxy, even claiming A's spoofed addresses, is not refused for A's failures
    const fromB = await world.client.call('GET', '/api/rights', { key: wrongKey }, undefined, { 'X-Forwarded-For': '203.0.113.0, 9.9.9.9' });
    expect(fromB.status).toBe(401);
  });
});
