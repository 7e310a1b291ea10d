import { hash } from 'node:crypto';
import { secretMatches } from './api-key-format.js';

export const MALFORMED_API_KEY = 'Malformed API key: expected NNSXS.<39 base32>.<52 base32>';
export const INVALID_API_KEY = 'Invalid API key';
const KEY_DISABLED = 'API key is disabled';
const KEY_EXPIRED = 'API key has expired';
const OWNER_DISABLED = "API key's owner is disabled";

/** Why a presented key was refused, as `POST /api/keys/verify` names it. */
export type KeyRefusalCode = 'MALFORMED' | 'NOT_FOUND' | 'DISABLED' | 'EXPIRED' | 'OWNER_DISABLED';

const CODES: ReadonlyMap<string, KeyRefusalCode> = new Map([
  [MALFORMED_API_KEY, 'MALFORMED'],
  [INVALID_API_KEY, 'NOT_FOUND'],
  [KEY_DISABLED, 'DISABLED'],
  [KEY_EXPIRED, 'EXPIRED'],
  [OWNER_DISABLED, 'OWNER_DISABLED'],
]);

/** The code of a refusal reason this file gives; a wrong secret is NOT_FOUND, so it never tells that the id exists. */
export function refusalCode(reason: string): KeyRefusalCode {
  return CODES.get(reason) ?? 'NOT_FOUND';
}

/** What deciding on a presented secret needs to know of its key and owner, as read from the database. */
export interface KeyState {
  secretHash: Buffer;
  enabled: boolean;
  expiresAtMs: number | null;
  ownerEnabled: boolean;
}

/**
 * A key state kept in memory, with SHA-256 of its secret (base64) once a presented secret matched
 * the stored HMAC: later checks then cost one hash instead of an HMAC. Never stored.
 */
export interface RememberedKeyState extends KeyState {
  secretDigest: string | null;
}

/** Why a key does not authenticate, the secret's match decided; null when it does. One rule for every path. */
export function apiKeyRejection(secretOk: boolean, state: KeyState, now = Date.now()): string | null {
  if (!secretOk) return INVALID_API_KEY;
  if (!state.enabled) return KEY_DISABLED;
  if (state.expiresAtMs !== null && state.expiresAtMs <= now) return KEY_EXPIRED;
  if (!state.ownerEnabled) return OWNER_DISABLED;
  return null;
}

/** Whether a presented secret is a remembered key's: by its digest once known, else by the HMAC, which then leaves the digest. */
export function rememberedSecretMatches(serverSecret: string, secret: string, state: RememberedKeyState): boolean {
  // a string compare, not constant time, and safe: the time can only tell how much of SHA-256(presented)
  // matches SHA-256(secret), which brings nobody nearer a 256-bit secret (the HMAC stays constant time)
  if (state.secretDigest !== null) return hash('sha256', secret, 'base64') === state.secretDigest;
  if (!secretMatches(serverSecret, secret, state.secretHash)) return false;
  state.secretDigest = hash('sha256', secret, 'base64');
  return true;
}

/** The state of a key and its owner, as read from the database. */
export function keyState(key: { secretHash: Buffer; enabled: boolean; expiresAt: Date | null }, owner: { enabled: boolean }): KeyState {
  return { secretHash: key.secretHash, enabled: key.enabled, expiresAtMs: key.expiresAt?.getTime() ?? null, ownerEnabled: owner.enabled };
}
