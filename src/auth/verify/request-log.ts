import type { FastifyRequest } from 'fastify';
import { parseApiKey } from '../../api-keys/api-key-format.js';
import { readCredentials, repeatedCredentialHeader } from './credentials.js';

/** A request's credentials as its log line shows them. */
export interface CredentialsSeen {
  /** Their kinds, comma-separated: `jwt`, `apiKey`, `apiKey:malformed`, `malformed-header`; `repeated-header`; `none`. */
  auth: string;
  /** The public id of the (first) key presented, when it has one. */
  apiKeyId?: string;
}

/**
 * What a request's credentials are, for the request log: the kinds, and a key's public id, never
 * a secret, a whole key or a token. `Authorization` and `X-Authorization` values never appear.
 */
export function describeCredentials(request: FastifyRequest): CredentialsSeen {
  if (repeatedCredentialHeader(request.raw.rawHeaders)) return { auth: 'repeated-header' };
  const { jwts, apiKeys, problems } = readCredentials(request.headers);
  let apiKeyId: string | undefined;
  const parts = [
    ...jwts.map(() => 'jwt'),
    ...apiKeys.map((key) => {
      const id = parseApiKey(key.token)?.id;
      apiKeyId ??= id;
      return id ? 'apiKey' : 'apiKey:malformed';
    }),
    ...problems.map(() => 'malformed-header'),
  ];
  const auth = parts.length ? parts.join(',') : 'none';
  return apiKeyId ? { auth, apiKeyId } : { auth };
}
