import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiKeyRejection, INVALID_API_KEY, refusalCode, rememberedSecretMatches, type KeyState, type RememberedKeyState } from './api-key-check.js';
import { generateApiKey, hashSecret, secretMatches } from './api-key-format.js';

const SERVER_SECRET = 'server-secret-for-the-spec';
function makeState(secret: string, overrides: Partial<KeyState> = {}): RememberedKeyState {
  return { secretHash: hashSecret(SERVER_SECRET, secret), enabled: true, expiresAtMs: null, ownerEnabled: true, secretDigest: null, ...overrides };
}

describe('apiKeyRejection', () => {
  const { secret } = generateApiKey();
  const other = generateApiKey().secret;

  it.each([
    ['the right secret', secret, {}, null],
    ['a wrong secret', other, {}, INVALID_API_KEY],
    ['a disabled key', secret, { enabled: false }, 'API key is disabled'],
    ['an expired key', secret, { expiresAtMs: 1000 }, 'API key has expired'],
    ["a disabled owner's key", secret, { ownerEnabled: false }, "API key's owner is disabled"],
    ['a wrong secret on a disabled key (no state is revealed)', other, { enabled: false }, INVALID_API_KEY],
  ])('%s', (_name, presented, overrides, expected) => {
    const state = makeState(secret, overrides);
    expect(apiKeyRejection(secretMatches(SERVER_SECRET, presented, state.secretHash), state)).toBe(expected);
  });

  it('names each refusal by the code verify answers, a wrong secret as an unknown key', () => {
    const state = makeState(secret);
    const code = (presented: string, overrides: Partial<KeyState>) => refusalCode(apiKeyRejection(secretMatches(SERVER_SECRET, presented, state.secretHash), { ...state, ...overrides })!);
    expect([code(other, {}), code(secret, { enabled: false }), code(secret, { expiresAtMs: 1 }), code(secret, { ownerEnabled: false })]).toEqual([
      'NOT_FOUND', 'DISABLED', 'EXPIRED', 'OWNER_DISABLED',
    ]);
  });
});

describe('rememberedSecretMatches', () => {
  const { secret } = generateApiKey();
  const other = generateApiKey().secret;

  it('remembers a matched secret as its SHA-256, and still refuses any other secret', () => {
    const sut = makeState(secret);
    expect(rememberedSecretMatches(SERVER_SECRET, other, sut)).toBe(false);
    expect(sut.secretDigest).toBeNull();
    expect(rememberedSecretMatches(SERVER_SECRET, secret, sut)).toBe(true);
    // SHA-256 of the secret: not the secret, nor its stored HMAC
    expect(sut.secretDigest).toBe(createHash('sha256').update(secret).digest('base64'));
    expect(rememberedSecretMatches(SERVER_SECRET, secret, sut)).toBe(true);
    expect(rememberedSecretMatches(SERVER_SECRET, other, sut)).toBe(false);
  });
});
