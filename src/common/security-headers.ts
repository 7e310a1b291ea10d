import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/** Swagger UI and the console are served from here: their scripts, and the inline styles Swagger UI sets. */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  // helmet's default would make a browser fetch every script over https when keygate is served over plain http
  upgradeInsecureRequests: null,
};

/** The headers helmet sets with keygate's policy, worked out once: they do not depend on the request. */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = { setHeader: (name: string, value: string) => (headers[name] = value), removeHeader: () => undefined };
  helmet({ contentSecurityPolicy: { directives: CONTENT_SECURITY_POLICY } })({} as never, recorder as never, () => undefined);
  return headers;
}

/**
 * Helmet's security headers on every response, computed once: @fastify/helmet rebuilds helmet's
 * middleware on every request, a cost on the key-checking path (docs/performance.md).
 */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  const headers = securityHeaders();
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
}
