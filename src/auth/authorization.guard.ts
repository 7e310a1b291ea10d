import { ForbiddenException, Injectable, Logger, NotFoundException, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { canonicalUserId } from '../common/ids.js';
import type { Principal } from '../rights/principal.js';
import type { RightName } from '../rights/right.js';
import { isSelf, PRINCIPAL_REQUEST_KEY, ROUTE_ACCESS, type RouteAccess } from '../rights/route-rights.decorator.js';

/** Names the right a caller lacks, as clients rely on: `403 {missingRight}`. */
export class MissingRightException extends ForbiddenException {
  constructor(right: RightName) {
    super({ message: `Missing right ${right}`, missingRight: right });
  }
}

type GuardedRequest = FastifyRequest & Record<string, unknown>;

/**
 * The global guard: every route is closed unless it says who may call it. It authenticates no
 * one: the authentication hook (authentication-hook.ts) is the only place that does, and left the
 * caller on the request; the guard checks the right the route declares for that caller.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  private readonly logger = new Logger(AuthorizationGuard.name);

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]);
    if (!access) throw new ForbiddenException('This route declares no access rule, so nobody may call it');
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const userId = canonicaliseUserIdParam(request);
    if (access.kind === 'public') return true;
    // the forward-authentication hook answers these before Nest's pipeline: one that reaches here escaped it
    if (access.kind === 'gateway') throw new ForbiddenException('Forward authentication is answered by its hook, which did not run');
    const principal = request[PRINCIPAL_REQUEST_KEY] as Principal | undefined;
    if (!principal) {
      // the hook authenticates every route whose config carries a protected rule: this one escaped it
      this.logger.error(`${request.method} ${request.routeOptions.url ?? request.url} reached the guard without a caller: the authentication hook did not run for it`);
      throw new UnauthorizedException('Authentication required');
    }
    // a service account is nobody's user: its keys hold no user right, and `me` names no one
    if (access.kind === 'user' && principal.ownerType === 'serviceAccount') throw new ForbiddenException("A service account's key cannot act on users");
    const needed = requiredRight(access, principal, userId);
    if (needed && !principal.rights.has(needed)) throw new MissingRightException(needed);
    return true;
  }
}

/**
 * Writes the route's `{userId}` back in canonical form (`me` or a lower-case UUID), so the right
 * chosen here and the user the handler's service looks up come from one string; 404 when it is no
 * user id at all.
 */
function canonicaliseUserIdParam(request: GuardedRequest): string | undefined {
  const params = request.params as Record<string, string> | undefined;
  if (params?.userId === undefined) return undefined;
  const userId = canonicalUserId(params.userId);
  if (userId === undefined) throw new NotFoundException(`User ${params.userId} not found`);
  params.userId = userId;
  return userId;
}

/** The right a route needs from the caller; `userId` is canonical (see `canonicalUserId`). */
export function requiredRight(access: RouteAccess, principal: Principal, userId: string | undefined): RightName | undefined {
  switch (access.kind) {
    case 'rights':
      return access.right;
    case 'user':
      return userId !== undefined && isSelf(principal, userId) ? access.self : access.other;
    default:
      return undefined;
  }
}
