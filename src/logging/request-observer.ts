import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { describeCredentials } from '../auth/verify/request-log.js';
import { clientAddress } from '../common/client-ip.decorator.js';
import { redactSecrets } from '../common/redact.js';
import type { RouteDurations, RouteTimes } from '../metrics/route-durations.js';

/** Node publishes every answered request here (`{ request, response, socket, server }`) once it has subscribers. */
const RESPONSE_FINISHED = 'http.server.response.finish';
const STARTED = Symbol('keygate.started');
const ROUTE = Symbol('keygate.route');

/** What this observer leaves on Node's request: when it arrived, and its route's times (none for a 404). */
interface Observed extends IncomingMessage {
  [STARTED]?: number;
  [ROUTE]?: RouteTimes;
}

/**
 * Times every request into its route's histogram (`GET /metrics`) and, with LOG_REQUESTS, writes one
 * JSON line per request: method, route pattern, path (key- and JWT-shaped parts redacted, no query
 * string), status, time, client address, credential kind and a key's public id.
 *
 * The time is taken from an `onRequest` hook to Node's own `http.server.response.finish` event, at
 * no measurable cost. Fastify's logger mode, which times requests too, is left off: it costs every
 * request a child logger and response listeners (measured in docs/performance.md). The request log,
 * when on, is an ordinary `onResponse` hook.
 */
export class RequestObserver {
  /** `requestLog`: where request lines go, with LOG_REQUESTS; undefined, none are written. */
  constructor(private readonly requestLog: Logger | undefined) {}

  install(fastify: FastifyInstance, durations: RouteDurations): void {
    fastify.addHook('onRequest', (request, _reply, done) => {
      (request.raw as Observed)[STARTED] = performance.now();
      done();
    });
    // each route's times, taken once as the route is registered
    fastify.addHook('onRoute', (route) => {
      const methods = [route.method].flat();
      const times = durations.route(methods.length > 3 ? 'ALL' : methods.join(','), route.url);
      const tag = (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
        (request.raw as Observed)[ROUTE] = times;
        done();
      };
      route.onRequest = [tag, ...(route.onRequest === undefined ? [] : [route.onRequest].flat())];
    });
    const finished = (message: unknown) => {
      const { request, response, server } = message as { request: Observed; response: ServerResponse; server: unknown };
      const started = request[STARTED];
      // another server in this process (tests run several), or a request Fastify never saw
      if (server !== fastify.server || started === undefined) return;
      (request[ROUTE] ?? durations.unmatched).observe(response.statusCode, performance.now() - started);
    };
    subscribe(RESPONSE_FINISHED, finished);
    fastify.addHook('onClose', (_instance, done) => {
      unsubscribe(RESPONSE_FINISHED, finished);
      done();
    });
    if (this.requestLog) {
      const requestLog = this.requestLog;
      fastify.addHook('onResponse', (request, reply, done) => {
        if (requestLog.isLevelEnabled('info')) writeLine(requestLog, request, reply, (request.raw as Observed)[ROUTE]);
        done();
      });
    }
  }
}

function writeLine(requestLog: Logger, request: FastifyRequest, reply: FastifyReply, times: RouteTimes | undefined): void {
  const path = redactSecrets(request.url.split('?', 1)[0]!);
  const line = {
    reqId: request.id,
    method: request.method,
    ...(times ? { route: times.route } : {}),
    path,
    statusCode: reply.statusCode,
    responseTime: Math.round(reply.elapsedTime * 100) / 100,
    clientIp: clientAddress(request),
    ...describeCredentials(request),
  };
  requestLog.info(line, `${request.method} ${path} ${reply.statusCode}`);
}
