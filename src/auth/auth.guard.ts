import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
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
    if (access.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & Record<string, unknown>>();
    // the authentication hook has usually decided already (authentication-hook.ts)
    const principal = (request[PRINCIPAL_REQUEST_KEY] as Principal | undefined) ?? this.authenticator.authenticate(request.headers, request.ip);
    // decided from memory: no promise on the common path
    return principal instanceof Promise
      ? principal.then((p) => authorize(access, p, request))
      : authorize(access, principal, request);
  }
}

function authorize(access: RouteAccess, principal: Principal, request: FastifyRequest & Record<string, unknown>): boolean {
  request[PRINCIPAL_REQUEST_KEY] = principal;
  const needed = requiredRight(access, principal, (request.params as Record<string, string> | undefined)?.userId);
  if (needed && !principal.rights.has(needed)) throw new MissingRightException(needed);
  return true;
}

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
