import { describe, expect, it } from 'vitest';
import { generateApiKey } from '../../api-keys/api-key-format.js';
import { readCredentials, repeatedCredentialHeader } from './credentials.js';

const key = generateApiKey().key;
const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';

describe('readCredentials', () => {
  const cases: Array<[string, Record<string, string | string[]>, { jwts?: string[]; apiKeys?: string[]; problems?: number }]> = [
    ['nothing', {}, {}],
    ['Authorization: Bearer <jwt>', { authorization: `Bearer ${jwt}` }, { jwts: [jwt] }],
    ['X-Authorization: Bearer <jwt>', { 'x-authorization': `Bearer ${jwt}` }, { jwts: [jwt] }],
    ['Authorization: Bearer <key>', { authorization: `Bearer ${key}` }, { apiKeys: [key] }],
    ['X-Authorization: ApiKey <key>', { 'x-authorization': `ApiKey ${key}` }, { apiKeys: [key] }],
    ['scheme in any case', { 'x-authorization': `aPIkEY ${key}`, authorization: `BEARER ${jwt}` }, { jwts: [jwt], apiKeys: [key] }],
    ['ApiKey in Authorization', { authorization: `ApiKey ${key}` }, { problems: 1 }],
    ['two spaces', { 'x-authorization': `ApiKey  ${key}` }, { problems: 1 }],
    ['two keys in one header', { 'x-authorization': `ApiKey ${key}, ApiKey ${key}` }, { problems: 1 }],
    ['header twice', { 'x-authorization': [`ApiKey ${key}`, `ApiKey ${key}`] }, { problems: 1 }],
    ['no credential', { authorization: 'Bearer' }, { problems: 1 }],
    ['Basic', { authorization: 'Basic dXNlcjpwYXNz' }, { problems: 1 }],
  ];

  it.each(cases)('%s', (_name, headers, expected) => {
    const sut = readCredentials(headers);
    expect(sut.jwts).toEqual(expected.jwts ?? []);
    expect(sut.apiKeys).toEqual(expected.apiKeys ?? []);
    expect(sut.problems).toHaveLength(expected.problems ?? 0);
  });
});

describe('repeatedCredentialHeader', () => {
  const raw = (...names: string[]) => names.flatMap((name) => [name, `Bearer ${jwt}`]);
  const cases: Array<[string, string[], 'Authorization' | 'X-Authorization' | undefined]> = [
    ['no headers', [], undefined],
    ['each once', raw('Host', 'Authorization', 'X-Authorization', 'Accept'), undefined],
    ['Authorization twice', raw('Authorization', 'Accept', 'Authorization'), 'Authorization'],
    ['Authorization twice, in other cases', raw('authorization', 'AUTHORIZATION'), 'Authorization'],
    ['X-Authorization twice', raw('X-Authorization', 'x-authorization'), 'X-Authorization'],
    ['X-Authorization twice, in other cases', raw('x-AuThOrIzAtIoN', 'X-AUTHORIZATION'), 'X-Authorization'],
    ['one of each, many others', raw('authorization', 'x-authorization', 'proxy-authorization', 'proxy-authorization', 'X-Authorisation', 'X-Authorisation'), undefined],
    ['look-alikes of the right length', raw('Authorizatiom', 'authorizatioN', 'x_authorization', 'X-Authorizatio1', 'Y-Authorization'), undefined],
    ['a look-alike beside the real one', raw('Authorization', 'Authorizatiom', 'X-Authorization', 'X_Authorization'), undefined],
  ];

  it.each(cases)('%s', (_name, rawHeaders, expected) => {
    expect(repeatedCredentialHeader(rawHeaders)).toBe(expected);
  });

  it('reads names only, not values', () => {
    expect(repeatedCredentialHeader(['Accept', 'Authorization', 'X-Foo', 'Authorization'])).toBeUndefined();
  });
});
