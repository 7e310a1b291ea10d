import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World, type TestUser } from './support/client.js';
import { rawRequest } from './support/raw-http.js';
import { ACCESS_POLICY_FIXTURE, startTestApp, type TestApp } from './support/test-app.js';

/*
 * A generated corpus of malformed requests, sent byte for byte: wrong schemes, truncated and
 * overlong keys, non-ASCII, NUL bytes, duplicated headers, 64 kB values; bodies of wrong types,
 * huge strings, deep JSON and prototype-pollution keys. Every reply must be a JSON 4xx (or a 2xx
 * where the input happens to be acceptable), never a 5xx.
 */
interface Probe {
  name: string;
  method: string;
  path: string;
  headers: Array<[string, string | Buffer]>;
  body?: Buffer | string;
}

const SCHEMES = ['Bearer', 'ApiKey', 'apikey', 'BEARER', 'Basic', 'Digest', 'Token', '', 'Bearer:', 'Api-Key'];

function keyMutations(key: string): string[] {
  const [, id, secret] = key.split('.');
  return [
    key.slice(0, 1), key.slice(0, 5), key.slice(0, 6), key.slice(0, 45), key.slice(0, -1), `${key}A`, `${key}${'A'.repeat(500)}`,
    key.toLowerCase(), key.replace('NNSXS', 'nnsxs'), `NNSXS.${id}`, `NNSXS..${secret}`, `NNSXS.${id}.${secret}.${secret}`,
    `NNSXS.${id!.replace(/./, '1')}.${secret}`, `NNSXS.${id}.${secret!.replace(/./, '0')}`, `${key}\t`, `\u00e9${key}`,
    `NNSXS.${'é'.repeat(39)}.${secret}`, 'A'.repeat(65_536), `NNSXS.${'A'.repeat(39)}.${'A'.repeat(52)}`, 'null', 'undefined',
    '{}', '[]', "' OR 1=1 --", '../../etc/passwd', '%00', '${jndi:ldap://x}', '<script>alert(1)</script>',
  ];
}

function headerProbes(key: string, jwt: string): Probe[] {
  const probes: Probe[] = [];
  const values = [...keyMutations(key), jwt.slice(0, 20), `${jwt}x`, jwt.split('.').slice(0, 2).join('.'), `${jwt}.${jwt}`];
  for (const header of ['Authorization', 'X-Authorization']) {
    for (const scheme of SCHEMES) {
      for (const value of values) {
        for (const path of ['/api/auth/user', '/api/users/me/api-keys']) {
          probes.push({ name: `${header}: ${scheme} <${value.slice(0, 12)}…> ${path}`, method: 'GET', path, headers: [[header, scheme ? `${scheme} ${value}` : value]] });
        }
      }
    }
  }
  const raw = (bytes: number[]) => Buffer.from(bytes);
  for (const header of ['Authorization', 'X-Authorization']) {
    probes.push(
      { name: `${header} with a NUL byte`, method: 'GET', path: '/api/auth/user', headers: [[header, Buffer.concat([Buffer.from('ApiKey '), raw([0]), Buffer.from(key)])]] },
      { name: `${header} with a NUL inside the key`, method: 'GET', path: '/api/auth/user', headers: [[header, Buffer.from(`ApiKey ${key.slice(0, 10)}\u0000${key.slice(11)}`, 'latin1')]] },
      { name: `${header} with UTF-8 bytes`, method: 'GET', path: '/api/auth/user', headers: [[header, Buffer.from(`ApiKey ${key}ünïcödé🔑`, 'utf8')]] },
      { name: `${header} with latin1 bytes`, method: 'GET', path: '/api/auth/user', headers: [[header, raw([0x41, 0x70, 0x69, 0x4b, 0x65, 0x79, 0x20, 0xff, 0xfe, 0xe9])]] },
      { name: `${header} with a 64 kB value`, method: 'GET', path: '/api/auth/user', headers: [[header, `ApiKey ${'K'.repeat(64 * 1024)}`]] },
      { name: `${header} twice, same key`, method: 'GET', path: '/api/auth/user', headers: [[header, `ApiKey ${key}`], [header, `ApiKey ${key}`]] },
      { name: `${header} twice, key and JWT`, method: 'GET', path: '/api/auth/user', headers: [[header, `Bearer ${jwt}`], [header, `ApiKey ${key}`]] },
      { name: `${header} with a control character`, method: 'GET', path: '/api/auth/user', headers: [[header, `ApiKey ${key}\u0007`]] },
      { name: `${header} empty`, method: 'GET', path: '/api/auth/user', headers: [[header, '']] },
      { name: `${header} only spaces`, method: 'GET', path: '/api/auth/user', headers: [[header, '      ']] },
    );
  }
  probes.push({ name: 'a key in the query string', method: 'GET', path: `/api/auth/user?apiKey=${encodeURIComponent(key)}`, headers: [] });
  return probes;
}

function bodyProbes(jwt: string): Probe[] {
  const deep = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);
  const payloads: Array<[string, string]> = [
    ['not JSON', 'description=x'],
    ['truncated JSON', '{"description": "x"'],
    ['a JSON string', '"x"'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
    ['a JSON array', '[{"description":"x"}]'],
    ['empty', ''],
    ['deep arrays', deep(5000, '[', ']')],
    ['deep objects', deep(3000, '{"a":', '}').replace(/}$/, '1}')],
    ['a 60 kB string', JSON.stringify({ description: 'x'.repeat(60_000) })],
    ['over the body limit', JSON.stringify({ description: 'x'.repeat(70_000) })],
    ['__proto__', '{"description":"x","__proto__":{"admin":true}}'],
    ['constructor.prototype', '{"description":"x","constructor":{"prototype":{"admin":true}}}'],
    ['__proto__ in rights', '{"description":"x","rights":{"__proto__":["RIGHT_USER_ALL"]}}'],
    ['description a number', '{"description":12}'],
    ['description an object', '{"description":{"$gt":""}}'],
    ['description an array', '{"description":["x"]}'],
    ['rights a string', '{"description":"x","rights":"RIGHT_USER_ALL"}'],
    ['rights of numbers', '{"description":"x","rights":[1,2]}'],
    ['rights nested', '{"description":"x","rights":[["RIGHT_USER_ALL"]]}'],
    ['rights too many', JSON.stringify({ description: 'x', rights: Array(1000).fill('RIGHT_USER_INFO') })],
    ['expiresAt a number', '{"description":"x","expiresAt":1893456000000}'],
    ['expiresAt garbage', '{"description":"x","expiresAt":"2030-13-45T99:99:99Z"}'],
    ['expiresAt year 275760', '{"description":"x","expiresAt":"+275760-09-13T00:00:00Z"}'],
    ['enabled a string', '{"enabled":"yes"}'],
    ['NUL in a string', '{"description":"a\\u0000b"}'],
    ['lone surrogate', '{"description":"\\ud800"}'],
    ['duplicate keys', '{"description":"a","description":"b"}'],
    ['huge number', '{"description":"x","page":1e309}'],
    ['unknown fields', '{"description":"x","id":"NNSXS","userId":"x","secretHash":"x"}'],
  ];
  const probes: Probe[] = [];
  const targets: Array<[string, string, Array<[string, string]>]> = [
    ['POST', '/api/auth/login', []],
    ['POST', '/api/auth/token', []],
    ['POST', '/api/users/me/api-keys', [['Authorization', `Bearer ${jwt}`]]],
    ['PATCH', '/api/users/me', [['Authorization', `Bearer ${jwt}`]]],
    ['POST', '/api/users', [['Authorization', `Bearer ${jwt}`]]],
    ['POST', '/api/tenants', [['Authorization', `Bearer ${jwt}`]]],
    ['POST', '/api/keys/verify', [['Authorization', `Bearer ${jwt}`]]],
    ['POST', '/api/service-accounts', [['Authorization', `Bearer ${jwt}`]]],
    // forward-auth never reads a body: whatever comes with it, the answer is the policy's
    ['POST', '/api/forward-auth/v1/devices/7', [['Authorization', `Bearer ${jwt}`]]],
  ];
  for (const [method, path, auth] of targets) {
    for (const [name, body] of payloads) {
      for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) {
        probes.push({ name: `${method} ${path} ${name} as ${type}`, method, path, headers: [...auth, ['Content-Type', type]], body });
      }
    }
  }
  const queries = ['page=-1', 'page=abc', 'pageSize=0', 'pageSize=1e9', 'sortProperty=__proto__', 'sortProperty=secretHash', 'sortOrder=sideways',
    'textSearch=%00', 'textSearch=%25%5F%5C', `textSearch=${'x'.repeat(5000)}`, 'page[]=1', 'page=1&page=2', '__proto__[admin]=1', 'constructor[prototype][x]=1'];
  for (const query of queries) {
    for (const path of ['/api/users/me/api-keys', '/api/users', '/api/tenants', '/api/audit']) {
      probes.push({ name: `GET ${path}?${query.slice(0, 30)}`, method: 'GET', path: `${path}?${query}`, headers: [['Authorization', `Bearer ${jwt}`]] });
    }
  }
  // what a gateway might be tricked into forwarding as the original request
  const uris = ['', '/', '//', 'v1/telemetry', '/v1/telemetry/%', '/v1/telemetry/%zz', '/v1/../x', '/v1/telemetry/..%2F..%2Fdevices', `/${'x'.repeat(10_000)}`,
    '/v1/telemetry/\u00e9', '/v1/devices/%2e%2e/x', '/v1/telemetry/a?b=%00', '/v1/telemetry/a#frag', 'http://evil.test/v1/telemetry/a', '*', '/v1/telemetry/a\\..\\x'];
  const methods = ['GET', 'get', '', 'G E T', 'CONNECT', 'X'.repeat(100), 'DELETE'];
  for (const uri of uris) {
    for (const [style, methodHeader, uriHeader] of [['traefik', 'X-Forwarded-Method', 'X-Forwarded-Uri'], ['nginx', 'X-Original-Method', 'X-Original-URI']]) {
      for (const method of methods) {
        probes.push({ name: `forward-auth ${style} ${method.slice(0, 10)} ${uri.slice(0, 30)}`, method: 'GET', path: '/api/forward-auth', headers: [['Authorization', `Bearer ${jwt}`], [methodHeader, method], [uriHeader, uri]] });
      }
    }
  }
  for (const path of ['/api/forward-auth/', '/api/forward-auth//', '/api/forward-auth/v1/..%2F..', '/api/forward-auth?x=1', '/api/forward-auth/v1/telemetry/%zz']) {
    probes.push({ name: `forward-auth envoy ${path}`, method: 'DELETE', path, headers: [['Authorization', `Bearer ${jwt}`]] });
  }
  for (const id of ['me%00', '..%2F..', '%E2%80%AE', 'x'.repeat(2000), '00000000-0000-0000-0000-000000000000', 'NNSXS', "1'or'1"]) {
    probes.push({ name: `GET /api/service-accounts/${id.slice(0, 20)}`, method: 'GET', path: `/api/service-accounts/${id}`, headers: [['Authorization', `Bearer ${jwt}`]] });
    probes.push({ name: `GET /api/users/${id.slice(0, 20)}`, method: 'GET', path: `/api/users/${id}`, headers: [['Authorization', `Bearer ${jwt}`]] });
    probes.push({ name: `DELETE key ${id.slice(0, 20)}`, method: 'DELETE', path: `/api/users/me/api-keys/${id}`, headers: [['Authorization', `Bearer ${jwt}`]] });
  }
  return probes;
}

function encode(probe: Probe): Buffer {
  const body = probe.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(probe.body) ? probe.body : Buffer.from(probe.body, 'utf8');
  const lines: Buffer[] = [Buffer.from(`${probe.method} ${probe.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: application/json\r\n`, 'latin1')];
  for (const [name, value] of probe.headers) lines.push(Buffer.from(`${name}: `, 'latin1'), Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1'), Buffer.from('\r\n'));
  if (probe.body !== undefined) lines.push(Buffer.from(`Content-Length: ${body.length}\r\n`));
  lines.push(Buffer.from('\r\n'), body);
  return Buffer.concat(lines);
}

describe('bad input: a generated corpus', () => {
  let sut: TestApp;
  let admin: TestUser;
  let key: string;

  beforeAll(async () => {
    sut = await startTestApp({ AUTH_MAX_FAILURES_PER_MINUTE: '0', LOGIN_MAX_FAILURES: '0', ACCESS_POLICY_FILE: ACCESS_POLICY_FIXTURE });
    const world = new World(sut);
    admin = await world.admin();
    key = (await world.makeKey(admin)).key;
  });
  afterAll(() => sut.close());

  it('answers every malformed request with JSON and no 5xx', async () => {
    const probes = [...headerProbes(key, admin.jwt), ...bodyProbes(admin.jwt)];
    const port = Number(new URL(sut.url).port);
    const serverErrors: string[] = [];
    const notJson: string[] = [];
    const statuses: Record<number, number> = {};
    for (let i = 0; i < probes.length; i += 8) {
      await Promise.all(
        probes.slice(i, i + 8).map(async (probe) => {
          const reply = await rawRequest(port, encode(probe));
          statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
          if (reply.status >= 500 || reply.status === 0) serverErrors.push(`${probe.name}: ${reply.status} ${reply.body.slice(0, 120)}`);
          // no content, forward-auth's "allowed", and its answers to nginx (the JSON in X-Keygate-Error) carry no body
          const forGateway = probe.path.startsWith('/api/forward-auth') && reply.body === '';
          if (forGateway && reply.status !== 200) JSON.parse(reply.headers['x-keygate-error'] ?? '');
          if (reply.status !== 204 && !forGateway) {
            try {
              JSON.parse(reply.body);
              if (!/application\/json/.test(reply.headers['content-type'] ?? '')) throw new Error('content type');
            } catch {
              notJson.push(`${probe.name}: ${reply.status} ${reply.headers['content-type']} ${reply.body.slice(0, 80)}`);
            }
          }
        }),
      );
    }
    console.log(`bad input: ${probes.length} malformed requests, ${serverErrors.length} 5xx, statuses ${JSON.stringify(statuses)}`);
    expect(probes.length).toBeGreaterThanOrEqual(2000);
    expect(serverErrors).toEqual([]);
    expect(notJson).toEqual([]);
    // nothing a probe sent became a key or a user with elevated rights
    const [{ count }] = await sut.db.query(`SELECT count(*)::int AS count FROM api_keys WHERE rights <> ARRAY['RIGHT_ALL'] OR description NOT LIKE 'key-%'`);
    expect(count).toBeLessThanOrEqual(probes.length);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  }, 300_000);
});
