import type { IncomingHttpHeaders } from 'node:http';
import { looksLikeApiKey } from '../../api-keys/api-key-format.js';

/** A header that carries credentials, by its name as Node gives it. */
export type CredentialHeader = 'authorization' | 'x-authorization';

/** One credential and the header it came in: the header says which strategy verifies it. */
export interface Presented {
  token: string;
  header: CredentialHeader;
}

/** The credentials a request carries, sorted by kind, and what was wrong with the headers that carried none. */
export interface Credentials {
  jwts: Presented[];
  apiKeys: Presented[];
  problems: string[];
}

/** Exactly `<scheme> <credential>`: one space, no second credential, nothing around it. */
const HEADER_VALUE = /^([A-Za-z]+) ([^\s,]+)$/;

const HEADERS = [
  ['authorization', 'Authorization'],
  ['x-authorization', 'X-Authorization'],
] as const;

/**
 * The credential in one header's value when it is exactly `<scheme> <credential>` with one of
 * `schemes` (lower case; the header's scheme word may be in any case); undefined otherwise.
 */
export function credentialIn(value: unknown, schemes: readonly string[]): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = HEADER_VALUE.exec(value);
  return match && schemes.includes(match[1]!.toLowerCase()) ? match[2] : undefined;
}

/**
 * Reads `Authorization: Bearer <jwt | key>`, `X-Authorization: Bearer <jwt>` and
 * `X-Authorization: ApiKey <key>` (scheme words in any case). A bearer value of the `NNSXS.` form
 * is a key. Credentials are only ever read from these headers, never from the query or the body.
 */
export function readCredentials(headers: IncomingHttpHeaders): Credentials {
  const credentials: Credentials = { jwts: [], apiKeys: [], problems: [] };
  for (const [name, label] of HEADERS) {
    const value = headers[name];
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      credentials.problems.push(`${label} header sent more than once`);
      continue;
    }
    const match = HEADER_VALUE.exec(value);
    if (!match) {
      credentials.problems.push(`${label} header must be "<scheme> <credential>" with a single credential`);
      continue;
    }
    const scheme = match[1]!.toLowerCase();
    const token = match[2]!;
    if (scheme === 'bearer') {
      (looksLikeApiKey(token) ? credentials.apiKeys : credentials.jwts).push({ token, header: name });
    } else if (scheme === 'apikey' && name === 'x-authorization') {
      credentials.apiKeys.push({ token, header: name });
    } else {
      credentials.problems.push(`${label} header: unsupported scheme "${match[1]!.slice(0, 20)}"`);
    }
  }
  return credentials;
}

/**
 * The credential header a request carries more than once, in any case, from Node's raw header list
 * (name, value, name, value...); undefined when none is repeated. Node keeps the first
 * `Authorization` and drops the others, and joins repeated `X-Authorization`s with ", ", so a proxy
 * that reads another copy would disagree with keygate about who is calling: such a request is
 * refused. A plain loop with no allocation, as every request to a protected route pays for it.
 */
export function repeatedCredentialHeader(rawHeaders: readonly string[]): 'Authorization' | 'X-Authorization' | undefined {
  let authorization = 0;
  let xAuthorization = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 13 && equalsLowerCase(name, 'authorization', 0)) {
      if (++authorization === 2) return 'Authorization';
    } else if (name.length === 15 && (name.charCodeAt(0) | 32) === 120 && name.charCodeAt(1) === 45 && equalsLowerCase(name, 'authorization', 2)) {
      if (++xAuthorization === 2) return 'X-Authorization';
    }
  }
  return undefined;
}

/** Whether `name` from `offset` on is `lower` in any case (ASCII letters only: `| 32` lowers them). */
function equalsLowerCase(name: string, lower: string, offset: number): boolean {
  for (let i = 0; i < lower.length; i++) {
    if ((name.charCodeAt(offset + i) | 32) !== lower.charCodeAt(i)) return false;
  }
  return true;
}
