import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { parseApiKey } from '../../api-keys/api-key-format.js';
import { redactSecrets } from '../../common/redact.js';
import { readCredentials, repeatedCredentialHeader } from './credentials.js';
import { clientAddress } from '../../common/client-ip.decorator.js';

/**
 * What a request's credentials are, for a log line: the kind, and a key's public id, never a
 * secret, a whole key or a token. `Authorization` and `X-Authorization` values never appear.
 */
export function describeCredentials(headers: Record<string, string | string[] | undefined>): string {
  const { jwts, apiKeys, problems } = readCredentials(headers);
  const parts = [
    ...jwts.map(() => 'jwt'),
    ...apiKeys.map((key) => {
      const id = parseApiKey(key)?.id;
      return id ? `apiKey:${id}` : 'apiKey:malformed';
    }),
    ...problems.map(() => 'malformed-header'),
  ];
  return parts.length ? parts.join(',') : 'none';
}

/**
 * One line per request when LOG_REQUESTS is on: method, path (no query string), status, time,
 * address, credential kind. A key or JWT pasted into the path is redacted (src/common/redact.ts).
 */
export function installRequestLog(fastify: FastifyInstance): void {
  const logger = new Logger('Request');
  fastify.addHook('onResponse', (request, reply, done) => {
    const path = redactSecrets(request.url.split('?', 1)[0]!);
    const auth = repeatedCredentialHeader(request.raw.rawHeaders) ? 'repeated-header' : describeCredentials(request.headers);
    logger.log(`${request.method} ${path} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms ip=${clientAddress(request)} auth=${auth}`);
    done();
  });
}
