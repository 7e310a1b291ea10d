import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiKeyRejection, digestWords, INVALID_API_KEY, type KeyState } from './api-key-check.js';
import { generateApiKey, hashSecret } from './api-key-format.js';

const SERVER_SECRET = 'server-secret-for-the-spec';
function makeState(secret: string, overrides: Partial<KeyState> = {}): KeyState {
  return { secretHash: hashSecret(SERVER_SECRET, secret), enabled: true, expiresAtMs: null, ownerEnabled: true, digested: false, d0: 0, d1: 0, d2: 0, d3: 0, d4: 0, d5: 0, d6: 0, d7: 0, ...overrides };
}

describe('apiKeyRejection', () => {
  const { secret } = generateApiKey();
  const other = generateApiKey().secret;

  it.each([
    ['the right secret', secret, {}, null],
    ['a wrong secret', other, {}, INVALID_API_KEY],
    ['a disabled key', secret, { enabled: false }, 'API key is disabled'],
    ['an expired key', secret, { expiresAtMs: 1000 }, 'API key has expired'],
    ["a disabled owner's key", secret, { ownerEnabled: false }, "API key's user is disabled"],
    ['a wrong secret on a disabled key (no state is revealed)', other, { enabled: false }, INVALID_API_KEY],
  ])('%s', (_name, presented, overrides, expected) => {
    expect(apiKeyRejection(SERVER_SECRET, presented, makeState(secret, overrides))).toBe(expected);
  });

  it('remembers a matched secret as a digest, and still refuses any other secret', () => {
    const sut = makeState(secret);
    expect(apiKeyRejection(SERVER_SECRET, other, sut)).toBe(INVALID_API_KEY);
    expect(digestWords(sut)).toBeNull();
    expect(apiKeyRejection(SERVER_SECRET, secret, sut)).toBeNull();
    // SHA-256 of the secret, as eight words: not the secret, nor its stored HMAC
    expect(digestWords(sut)!.map((w) => (w >>> 0).toString(16).padStart(8, '0')).join('')).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(apiKeyRejection(SERVER_SECRET, secret, sut)).toBeNull();
    expect(apiKeyRejection(SERVER_SECRET, other, sut)).toBe(INVALID_API_KEY);
  });
});
