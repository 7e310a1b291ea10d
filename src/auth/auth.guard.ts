import { ForbiddenException, Injectable, NotFoundException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { canonicalUserId } from '../common/ids.js';
import type { Principal } from '../rights/principal.js';
import type { Right } from '../rights/right.js';
import { isSelf, PRINCIPAL_REQUEST_KEY, ROUTE_ACCESS, type RouteAccess } from '../rights/route-rights.decorator.js';
import { Authenticator } from './authenticator.js';

/** Names the right a caller lacks, as clients rely on: `403 {missingRight}`. */
export class MissingRightException extends ForbiddenException {
  constructor(right: Right) {
    super({ message: `Missing right ${right}`, missingRight: right });
  }
}

type GuardedRequest = FastifyRequest & Record<string, unknown>;

/**
 * The global guard: every route is closed unless it says who may call it. It takes the caller the
 * authentication hook found (or authenticates it itself), then checks the right the route declares.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]);
    if (!access) throw new ForbiddenException('This route declares no access rule, so nobody may call it');
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const userId = canonicaliseUserIdParam(request);
    if (access.kind === 'public') return true;
    // the authentication hook has usually decided already (authentication-hook.ts)
    const principal = (request[PRINCIPAL_REQUEST_KEY] as Principal | undefined) ?? this.authenticator.authenticate(request.headers, request.ip);
    // decided from memory: no promise on the common path
    return principal instanceof Promise
      ? principal.then((p) => authorize(access, p, request, userId))
      : authorize(access, principal, request, userId);
  }
}

function authorize(access: RouteAccess, principal: Principal, request: GuardedRequest, userId: string | undefined): boolean {
  request[PRINCIPAL_REQUEST_KEY] = principal;
  const needed = requiredRight(access, principal, userId);
  if (needed && !principal.rights.has(needed)) throw new MissingRightException(needed);
  return true;
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
export function requiredRight(access: RouteAccess, principal: Principal, userId: string | undefined): Right | undefined {
  switch (access.kind) {
    case 'rights':
      return access.right;
    case 'user':
      return userId !== undefined && isSelf(principal, userId) ? access.self : access.other;
    default:
      return undefined;
  }
}
