import { HttpException, UnauthorizedException } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, preParsingHookHandler } from 'fastify';
import { sendError } from '../../common/http-exception.filter.js';
import type { Principal } from '../../rights/principal.js';
import { PRINCIPAL_REQUEST_KEY, routeConfigAccess } from '../../rights/route-rights.decorator.js';
import type { Authenticator } from './authenticator.js';
import type { KeyRestrictions } from './key-restrictions.js';
import { repeatedCredentialHeader } from './credentials.js';
import { clientAddress } from '../../common/client-ip.decorator.js';

/** One refusal each, answered again and again (the filter serialises an exception once). */
const REPEATED = {
  Authorization: new UnauthorizedException('The Authorization header was sent more than once: send each credential header at most once'),
  'X-Authorization': new UnauthorizedException('The X-Authorization header was sent more than once: send each credential header at most once'),
};

/**
 * Decides who is calling a protected route before Nest's pipeline starts, in a Fastify hook: a
 * refused credential is answered here (401, 429, 503) without an exception, so a flood of wrong
 * keys costs no more than valid ones, and never reaches body parsing, the guard or the handler.
 * An accepted caller is left on the request, where the global guard takes it to check the
 * route's right. The guard remains the rule: a route the hook does not know (no access rule in
 * its config) is decided there, closed unless it declares otherwise.
 *
 * `preParsing` runs after every `onRequest` hook (CORS, security headers), so refusals carry
 * their headers, and before the body is read.
 *
 * A credential header sent twice is refused here, whatever the copies hold: Node keeps only one of
 * them in `request.headers`, and a proxy in front may have read another.
 */
export function installAuthenticationHook(fastify: FastifyInstance, authenticator: Authenticator, restrictions: KeyRestrictions): void {
  // added to each protected route as it is registered, with its rule at hand: public routes carry
  // no hook, and no request pays for looking its rule up (Fastify builds `routeOptions` per access)
  fastify.addHook('onRoute', (route) => {
    const access = routeConfigAccess(route.config);
    if (access === undefined || access.kind === 'public' || access.kind === 'gateway') return;
    const authenticate: preParsingHookHandler = (request, reply, _payload, done) => {
      const repeated = repeatedCredentialHeader(request.raw.rawHeaders);
      if (repeated !== undefined) return sendError(reply, REPEATED[repeated]);
      const address = clientAddress(request);
      const decided = authenticator.decide(request, address);
      if (!(decided instanceof Promise)) return settle(request, reply, decided, address, done);
      decided.then(
        (d) => settle(request, reply, d, address, done),
        (error: unknown) => sendError(reply, error),
      );
    };
    route.preParsing = [...(route.preParsing === undefined ? [] : [route.preParsing].flat()), authenticate];
  });

  /** An accepted key is then held to its restrictions (addresses, rate limit): 403 or 429 when it breaks one. */
  function settle(request: FastifyRequest, reply: FastifyReply, decided: Principal | HttpException, address: string, done: () => void): void {
    if (decided instanceof HttpException) return sendError(reply, decided);
    const refused = decided.restrictions === null ? undefined : restrictions.check(decided, address);
    if (refused === undefined) return accept(request, decided, done);
    if (!(refused instanceof Promise)) return sendError(reply, refused);
    refused.then(
      (r) => (r === undefined ? accept(request, decided, done) : sendError(reply, r)),
      (error: unknown) => sendError(reply, error),
    );
  }
}

function accept(request: FastifyRequest, principal: Principal, done: () => void): void {
  (request as unknown as Record<string, unknown>)[PRINCIPAL_REQUEST_KEY] = principal;
  done();
}
