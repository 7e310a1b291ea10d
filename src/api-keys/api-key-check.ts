import { hash, timingSafeEqual } from 'node:crypto';
import { secretMatches } from './api-key-format.js';

export const MALFORMED_API_KEY = 'Malformed API key: expected NNSXS.<39 base32>.<52 base32>';
export const INVALID_API_KEY = 'Invalid API key';

/** What deciding on a presented secret needs to know of its key; all of it may sit in a cache. */
export interface KeyState {
  secretHash: Buffer;
  enabled: boolean;
  expiresAtMs: number | null;
  ownerEnabled: boolean;
  /**
   * SHA-256 of the secret, set once a presented secret has matched `secretHash` (in memory only,
   * never stored): later checks of a remembered key then cost one one-shot hash instead of an HMAC.
   */
  verifiedDigest?: Buffer;
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

function presentedSecretMatches(serverSecret: string, secret: string, state: KeyState): boolean {
  if (state.verifiedDigest) return timingSafeEqual(hash('sha256', secret, 'buffer'), state.verifiedDigest);
  if (!secretMatches(serverSecret, secret, state.secretHash)) return false;
  state.verifiedDigest = hash('sha256', secret, 'buffer');
  return true;
}

/** The state of a key and its owner, as read from the database. */
export function keyState(key: { secretHash: Buffer; enabled: boolean; expiresAt: Date | null }, owner: { enabled: boolean }): KeyState {
  return { secretHash: key.secretHash, enabled: key.enabled, expiresAtMs: key.expiresAt?.getTime() ?? null, ownerEnabled: owner.enabled };
}
