import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { describeCredentials } from '../auth/verify/request-log.js';
import { clientAddress } from '../common/client-ip.decorator.js';
import { redactSecrets } from '../common/redact.js';
import type { RouteDurations, RouteTimes } from '../metrics/route-durations.js';

const ROUTE = 'keygateRoute';

/**
 * What Fastify tells its log controller as each request completes, put to keygate's use: the
 * request's duration goes into its route's histogram (`GET /metrics`) and, with LOG_REQUESTS, one
 * JSON line is written: method, route pattern, path (key- and JWT-shaped parts redacted, no query
 * string), status, time, client address, credential kind and a key's public id. Fastify already
 * times every request once it has a logger; this reads that time, with no hook of its own.
 * Fastify's other lines (a stream error, a failing serializer) are written as Fastify writes them.
 */
export class RequestObserver extends LogController {
  private durations?: RouteDurations;

  /** `requestLog`: where request lines go, with LOG_REQUESTS; undefined, none are written. */
  constructor(private readonly requestLog: Logger | undefined) {
    super();
  }

  /**
   * Gives each route its histogram as the route is registered (read back per request from a
   * request decoration, set by a route `onRequest` hook).
   */
  install(fastify: FastifyInstance, durations: RouteDurations): void {
    this.durations = durations;
    fastify.decorateRequest(ROUTE, null);
    fastify.addHook('onRoute', (route) => {
      const methods = [route.method].flat();
      const times = durations.route(methods.length > 3 ? 'ALL' : methods.join(','), route.url);
      const tag = (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
        (request as unknown as Record<string, RouteTimes>)[ROUTE] = times;
        done();
      };
      route.onRequest = [tag, ...(route.onRequest === undefined ? [] : [route.onRequest].flat())];
    });
  }

  /** Fastify's "incoming request" line: not written, the completed request's line says it all. */
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (!this.durations) return;
    const times = (request as unknown as Record<string, RouteTimes | null>)[ROUTE] ?? this.durations.unmatched;
    const elapsedMs = reply.elapsedTime;
    times.observe(reply.statusCode, elapsedMs);
    if (this.requestLog?.isLevelEnabled('info')) this.writeLine(error, request, reply, times, elapsedMs);
  }

  private writeLine(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply, times: RouteTimes, elapsedMs: number): void {
    const path = redactSecrets(request.url.split('?', 1)[0]!);
    const line = {
      reqId: request.id,
      method: request.method,
      ...(times === this.durations!.unmatched ? {} : { route: times.route }),
      path,
      statusCode: reply.statusCode,
      responseTime: Math.round(elapsedMs * 100) / 100,
      clientIp: clientAddress(request),
      ...describeCredentials(request),
      ...(error ? { err: error } : {}),
    };
    this.requestLog![error ? 'error' : 'info'](line, `${request.method} ${path} ${reply.statusCode}`);
  }
}
