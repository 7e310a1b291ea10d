import { secretMatches } from './api-key-format.js';
import { shortSha256Into } from './short-sha256.js';

export const MALFORMED_API_KEY = 'Malformed API key: expected NNSXS.<39 base32>.<52 base32>';
export const INVALID_API_KEY = 'Invalid API key';

/** What deciding on a presented secret needs to know of its key; all of it may sit in a cache. */
export interface KeyState {
  secretHash: Buffer;
  enabled: boolean;
  expiresAtMs: number | null;
  ownerEnabled: boolean;
  /**
   * Whether `d0`…`d7` hold SHA-256 of the secret, as eight 32-bit words: set once a presented
   * secret has matched `secretHash`; in memory only, never stored. Later checks of a remembered
   * key then cost one SHA-256 of the presented secret in plain JavaScript (short-sha256.ts)
   * instead of an HMAC, and allocate nothing. The words sit on the state itself rather than in a
   * typed array: a check then reads one object, not three (measured in the README).
   */
  digested: boolean;
  d0: number;
  d1: number;
  d2: number;
  d3: number;
  d4: number;
  d5: number;
  d6: number;
  d7: number;
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

const NO_DIGEST = { d0: 0, d1: 0, d2: 0, d3: 0, d4: 0, d5: 0, d6: 0, d7: 0 };

/** The presented secret's digest, reused: the server runs one check at a time. */
const presented = new Int32Array(8);

/**
 * The digests are compared word by word, not in constant time, and that is safe: the time can
 * only tell how much of SHA-256(presented secret) matches SHA-256(secret), and no amount of that
 * brings anyone nearer a 256-bit secret. The HMAC against the stored hash stays constant time.
 */
function presentedSecretMatches(serverSecret: string, secret: string, state: KeyState): boolean {
  if (state.digested) {
    return (
      shortSha256Into(secret, presented) &&
      presented[0] === state.d0 &&
      presented[1] === state.d1 &&
      presented[2] === state.d2 &&
      presented[3] === state.d3 &&
      presented[4] === state.d4 &&
      presented[5] === state.d5 &&
      presented[6] === state.d6 &&
      presented[7] === state.d7
    );
  }
  if (!secretMatches(serverSecret, secret, state.secretHash)) return false;
  // a secret of the key format always has one; were there none, every check would take the HMAC
  if (shortSha256Into(secret, presented)) setDigest(state, presented);
  return true;
}

function setDigest(state: KeyState, words: Int32Array): void {
  state.d0 = words[0]!;
  state.d1 = words[1]!;
  state.d2 = words[2]!;
  state.d3 = words[3]!;
  state.d4 = words[4]!;
  state.d5 = words[5]!;
  state.d6 = words[6]!;
  state.d7 = words[7]!;
  state.digested = true;
}

/** Gives `to` the digest `from` verified: what a secret hashes to does not change with the key's state. */
export function copyDigest(from: KeyState, to: KeyState): void {
  if (!from.digested) return;
  to.d0 = from.d0;
  to.d1 = from.d1;
  to.d2 = from.d2;
  to.d3 = from.d3;
  to.d4 = from.d4;
  to.d5 = from.d5;
  to.d6 = from.d6;
  to.d7 = from.d7;
  to.digested = true;
}

/** The verified digest's eight words, or null before a secret matched. */
export function digestWords(state: KeyState): number[] | null {
  return state.digested ? [state.d0, state.d1, state.d2, state.d3, state.d4, state.d5, state.d6, state.d7] : null;
}

/** The state of a key and its owner, as read from the database. */
export function keyState(key: { secretHash: Buffer; enabled: boolean; expiresAt: Date | null }, owner: { enabled: boolean }): KeyState {
  return {
    secretHash: key.secretHash,
    enabled: key.enabled,
    expiresAtMs: key.expiresAt?.getTime() ?? null,
    ownerEnabled: owner.enabled,
    digested: false,
    ...NO_DIGEST,
  };
}
