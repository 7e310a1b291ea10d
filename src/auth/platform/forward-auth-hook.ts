import type { FastifyInstance, FastifyReply, preParsingHookHandler } from 'fastify';
import { errorReply, responseHeadersOf, retryAfterOf, sendError } from '../../common/http-exception.filter.js';
import { routeConfigAccess } from '../../rights/route-rights.decorator.js';
import type { ForwardAuth, ForwardDecision } from './forward-auth.js';

const CHALLENGE = 'Bearer realm="keygate", ApiKey realm="keygate"';

/**
 * Answers forward authentication in a Fastify hook, before Nest's pipeline and before any body is
 * read (a gateway may send the original request's content type with no body), as the
 * authentication hook answers refusals: a gateway asks on every request, so every answer is cheap.
 */
export function installForwardAuthHook(fastify: FastifyInstance, forwardAuth: ForwardAuth): void {
  fastify.addHook('onRoute', (route) => {
    if (routeConfigAccess(route.config)?.kind !== 'gateway') return;
    const answer: preParsingHookHandler = (request, reply) => {
      let decided: ForwardDecision | Promise<ForwardDecision>;
      try {
        decided = forwardAuth.decide(request);
      } catch (error) {
        return sendError(reply, error);
      }
      if (!(decided instanceof Promise)) return send(reply, decided);
      decided.then(
        (d) => send(reply, d),
        (error: unknown) => sendError(reply, error),
      );
    };
    route.preParsing = [...(route.preParsing === undefined ? [] : [route.preParsing].flat()), answer];
  });
}

/**
 * Allowed: 200 with the identity headers. Refused: the JSON error as everywhere, with its true
 * status also in `X-Keygate-Status` and its body in `X-Keygate-Error`; for nginx, whose
 * auth_request turns any status but 401 and 403 into a 500, a 400, 429 or 503 leaves as 403 and
 * nginx's configuration gives the client the true one (docs/gateways.md). nginx never reads a
 * subrequest's body, and cannot keep a connection whose body it left unread: its refusals carry
 * the body in the header alone.
 */
function send(reply: FastifyReply, decision: ForwardDecision): void {
  if (decision.allowed) {
    void reply.headers(decision.headers).send();
    return;
  }
  const { statusCode, json } = errorReply(decision.refusal);
  const retryAfter = retryAfterOf(decision.refusal, statusCode);
  if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
  const headers = responseHeadersOf(decision.refusal);
  if (headers !== undefined) void reply.headers(headers);
  if (statusCode === 401) void reply.header('www-authenticate', CHALLENGE);
  void reply
    .status(decision.nginx && statusCode !== 401 && statusCode !== 403 ? 403 : statusCode)
    .header('x-keygate-status', String(statusCode))
    .header('x-keygate-error', asciiJson(json));
  if (decision.nginx) void reply.send();
  else void reply.header('content-type', 'application/json; charset=utf-8').send(json);
}

/** JSON that a header can carry: every character beyond ASCII escaped, as JSON allows. */
function asciiJson(json: string): string {
  return /[^\x20-\x7e]/.test(json) ? json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}
