import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { clientAddress } from '../../common/client-ip.decorator.js';
import { sendError } from '../../common/http-exception.filter.js';
import type { Principal } from '../../rights/principal.js';
import { PRINCIPAL_REQUEST_KEY, routeConfigAccess } from '../../rights/route-rights.decorator.js';
import { MissingRightException, requiredRight } from '../authorization.guard.js';
import type { KeyVerifier } from './key-verifier.js';
import { VERIFY_PATH } from './verify.controller.js';

/**
 * Answers `POST /api/keys/verify` in a Fastify hook once the authentication hook has decided who is
 * calling and the body is read, with the guard's own rule for the route's right: a platform service
 * asks on every request it serves, and Nest's pipeline (pipes, guard, interceptors, an async handler)
 * was most of what the route cost (docs/performance.md).
 */
export function installVerifyHook(fastify: FastifyInstance, verifier: KeyVerifier): void {
  fastify.addHook('onRoute', (route) => {
    if (route.url !== VERIFY_PATH || route.method !== 'POST') return;
    const access = routeConfigAccess(route.config)!;
    const answer: preHandlerHookHandler = (request, reply, done) => {
      const caller = (request as unknown as Record<string, unknown>)[PRINCIPAL_REQUEST_KEY] as Principal | undefined;
      // the authentication hook answered already when there is no caller
      if (!caller) return done();
      const needed = requiredRight(access, caller, undefined);
      if (needed && !caller.rights.has(needed)) return sendError(reply, new MissingRightException(needed));
      verifier.verify(caller, request.body, clientAddress(request)).then(
        (result) => reply.send(result),
        (error: unknown) => sendError(reply, error),
      );
    };
    route.preHandler = [...(route.preHandler === undefined ? [] : [route.preHandler].flat()), answer];
  });
}
