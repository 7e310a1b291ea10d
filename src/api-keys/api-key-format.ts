import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** "key" in base32, The Things Stack's token type for API keys. */
export const API_KEY_PREFIX = 'NNSXS';
const ID_BYTES = 24;
const SECRET_BYTES = 32;
export const API_KEY_PATTERN = /^NNSXS\.([A-Z2-7]{39})\.([A-Z2-7]{52})$/;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, upper case, without padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

export interface GeneratedApiKey {
  id: string;
  secret: string;
  /** The whole key, `NNSXS.<id>.<secret>`: shown once, never stored. */
  key: string;
}

/** A new key from the CSPRNG: 24 random bytes of id and 32 of secret. */
export function generateApiKey(): GeneratedApiKey {
  const id = base32(randomBytes(ID_BYTES));
  const secret = base32(randomBytes(SECRET_BYTES));
  return { id, secret, key: `${API_KEY_PREFIX}.${id}.${secret}` };
}

/** The id and secret of a key of the right shape, else null. */
export function parseApiKey(key: string): { id: string; secret: string } | null {
  const match = API_KEY_PATTERN.exec(key);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

const ID_START = API_KEY_PREFIX.length + 1;
const ID_END = ID_START + 39;
const KEY_LENGTH = ID_END + 1 + 52;

/**
 * The id and secret of a key, by where they sit, without checking their alphabet: enough to look
 * up a remembered key, whose id is well-formed and whose secret, once it matches, is too
 * (`parseApiKey` decides on anything else), cheaper than the regex on every request.
 */
export function splitApiKey(key: string): { id: string; secret: string } | null {
  // both dots: `NNSXS#<id>.<secret>` must not pass as the key it resembles (46 is '.')
  if (key.length !== KEY_LENGTH || key.charCodeAt(ID_START - 1) !== 46 || key.charCodeAt(ID_END) !== 46 || !key.startsWith(API_KEY_PREFIX)) {
    return null;
  }
  return { id: key.slice(ID_START, ID_END), secret: key.slice(ID_END + 1) };
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(`${API_KEY_PREFIX}.`);
}

/**
 * A keyed SHA-256 of the secret. The secret is 256 random bits, so a fast hash under a server
 * secret is as safe as bcrypt here and costs microseconds instead of ~60 ms per check.
 */
export function hashSecret(serverSecret: string, secret: string): Buffer {
  return createHmac('sha256', serverSecret).update(secret).digest();
}

export function secretMatches(serverSecret: string, secret: string, storedHash: Buffer): boolean {
  const hash = hashSecret(serverSecret, secret);
  return hash.length === storedHash.length && timingSafeEqual(hash, storedHash);
}
