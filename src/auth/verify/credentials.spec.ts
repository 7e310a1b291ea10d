import { describe, expect, it } from 'vitest';
import { generateApiKey } from '../../api-keys/api-key-format.js';
import { credentialIn, readCredentials, repeatedCredentialHeader } from './credentials.js';

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
    expect(sut.jwts.map((c) => c.token)).toEqual(expected.jwts ?? []);
    expect(sut.apiKeys.map((c) => c.token)).toEqual(expected.apiKeys ?? []);
    expect(sut.problems).toHaveLength(expected.problems ?? 0);
  });

  it('says which header each credential came in, so the strategy for that header verifies it', () => {
    const sut = readCredentials({ authorization: `Bearer ${key}`, 'x-authorization': `Bearer ${jwt}` });
    expect(sut).toEqual({ jwts: [{ token: jwt, header: 'x-authorization' }], apiKeys: [{ token: key, header: 'authorization' }], problems: [] });
  });
});

describe('credentialIn', () => {
  it.each([
    [`Bearer ${jwt}`, ['bearer'], jwt],
    [`bEaReR ${jwt}`, ['bearer'], jwt],
    [`ApiKey ${key}`, ['apikey', 'bearer'], key],
    [`ApiKey ${key}`, ['bearer'], undefined],
    [`Bearer  ${jwt}`, ['bearer'], undefined],
    [`Bearer ${jwt}, Bearer ${jwt}`, ['bearer'], undefined],
    [undefined, ['bearer'], undefined],
    [[`Bearer ${jwt}`], ['bearer'], undefined],
  ])('%s with schemes %j is %s', (value, schemes, expected) => {
    expect(credentialIn(value, schemes)).toBe(expected);
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
