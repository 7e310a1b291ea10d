import { describe, expect, it } from 'vitest';
import { generateApiKey } from '../api-keys/api-key-format.js';
import { readCredentials } from './credentials.js';

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
