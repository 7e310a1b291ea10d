import { secretMatches } from './api-key-format.js';
import { shortSha256, shortSha256Into } from './short-sha256.js';

export const MALFORMED_API_KEY = 'Malformed API key: expected NNSXS.<39 base32>.<52 base32>';
export const INVALID_API_KEY = 'Invalid API key';

/** What deciding on a presented secret needs to know of its key; all of it may sit in a cache. */
export interface KeyState {
  secretHash: Buffer;
  enabled: boolean;
  expiresAtMs: number | null;
  ownerEnabled: boolean;
  /**
   * SHA-256 of the secret (eight 32-bit words), set once a presented secret has matched
   * `secretHash`; in memory only, never stored. Later checks of a remembered key then cost one
   * SHA-256 of the presented secret in plain JavaScript (short-sha256.ts) instead of an HMAC, and
   * allocate nothing. Null until then: every state has the same shape.
   */
  verifiedDigest: Int32Array | null;
}

/**
 * Why a presented secret does not authenticate with this key, or null when it does. The one
 * rule for a key read from the database and for one remembered in memory.
 */
export function apiKeyRejection(serverSecret: string, secret: string, state: KeyState, now = Date.now()): string | null {
  if (!presentedSecretMatches(serverSecret, secret, state)) return INVALID_API_KEY;
  if (!state.enabled) return 'API key is disabled';
  if (state.expiresAtMs !== null && state.expiresAtMs <= now) return 'API key has expired';
  if (!state.ownerEnabled) return "API key's user is disabled";
  return null;
}

/** The presented secret's digest, reused: the server runs one check at a time. */
const presented = new Int32Array(8);

/**
 * The digests are compared word by word, not in constant time, and that is safe: the time can
 * only tell how much of SHA-256(presented secret) matches SHA-256(secret), and no amount of that
 * brings anyone nearer a 256-bit secret. The HMAC against the stored hash stays constant time.
 */
function presentedSecretMatches(serverSecret: string, secret: string, state: KeyState): boolean {
  const digest = state.verifiedDigest;
  if (digest !== null) {
    return (
      shortSha256Into(secret, presented) &&
      presented[0] === digest[0] &&
      presented[1] === digest[1] &&
      presented[2] === digest[2] &&
      presented[3] === digest[3] &&
      presented[4] === digest[4] &&
      presented[5] === digest[5] &&
      presented[6] === digest[6] &&
      presented[7] === digest[7]
    );
  }
  if (!secretMatches(serverSecret, secret, state.secretHash)) return false;
  // a secret of the key format always has one; were there none, every check would take the HMAC
  state.verifiedDigest = shortSha256(secret);
  return true;
}

/** The state of a key and its owner, as read from the database. */
export function keyState(key: { secretHash: Buffer; enabled: boolean; expiresAt: Date | null }, owner: { enabled: boolean }): KeyState {
  return { secretHash: key.secretHash, enabled: key.enabled, expiresAtMs: key.expiresAt?.getTime() ?? null, ownerEnabled: owner.enabled, verifiedDigest: null };
}
