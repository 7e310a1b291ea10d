import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import type { Principal } from './principal.js';
import type { Right } from './right.js';

export const ROUTE_ACCESS = 'keygate:route-access';
export const API_KEY_SCHEME = 'apiKey';
export const JWT_SCHEME = 'jwt';

/**
 * Who may call a route. Routes without any of these decorators are closed to everyone: the
 * global guard denies by default.
 */
export type RouteAccess =
  | { kind: 'public' }
  /** Any authenticated caller holding `right` (or just authenticated when it is absent). */
  | { kind: 'rights'; right?: Right }
  /**
   * A route on `/users/{userId}/…`: `self` is needed when the target is the caller (`me` or its
   * own id; `undefined`: authentication alone), `other` when it is another user, whom the service
   * then checks the caller manages.
   */
  | { kind: 'user'; self?: Right; other: Right };

export const PRINCIPAL_REQUEST_KEY = 'principal';

// the 401 and 403 answers are added to the OpenAPI document for every secured operation (app.factory.ts)
const protectedRoute = (access: RouteAccess) =>
  applyDecorators(SetMetadata(ROUTE_ACCESS, access), ApiSecurity(API_KEY_SCHEME), ApiBearerAuth(JWT_SCHEME));

/** Open to anyone, without credentials. */
export const Public = () => SetMetadata(ROUTE_ACCESS, { kind: 'public' } satisfies RouteAccess);

/** Needs an authenticated caller holding `right`; without `right`, authentication alone. */
export const RequireRights = (right?: Right) => protectedRoute({ kind: 'rights', right });

/** For `/users/{userId}/…` routes: one right on oneself, another on users one manages. */
export const RequireUserRights = (rights: { self?: Right; other: Right }) =>
  protectedRoute({ kind: 'user', ...rights });

/** The authenticated caller, as the global guard left it on the request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<Record<string, unknown>>();
  return request[PRINCIPAL_REQUEST_KEY] as Principal;
});

/** `me` or the caller's own id. */
export function isSelf(principal: Principal, userId: string): boolean {
  return userId === 'me' || userId === principal.userId;
}
