import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
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
  | { kind: 'user'; self?: Right; other: Right }
  /**
   * Forward authentication: the access policy's routes decide, and the forward-authentication hook
   * answers before Nest's pipeline (see `auth/platform/forward-auth-hook.ts`).
   */
  | { kind: 'gateway' };

export const PRINCIPAL_REQUEST_KEY = 'principal';

/**
 * Sets a route's access rule where both readers find it: Nest metadata for the global guard, and
 * the Fastify route's `config` for the authentication hook, which decides on credentials before
 * Nest's pipeline starts (see `auth/authentication-hook.ts`). On a controller class, each of its
 * methods without a rule of its own gets the class's rule in its route config (method decorators
 * run before class decorators).
 */
function routeAccess(access: RouteAccess): ClassDecorator & MethodDecorator {
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (descriptor) {
      SetMetadata(ROUTE_ACCESS, access)(target, key!, descriptor);
      setRouteConfigAccess(descriptor.value as object, access);
      return;
    }
    SetMetadata(ROUTE_ACCESS, access)(target as never);
    const prototype = (target as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name)?.value as object | undefined;
      if (name !== 'constructor' && typeof method === 'function' && !Reflect.hasOwnMetadata(ROUTE_ACCESS, method)) {
        setRouteConfigAccess(method, access);
      }
    }
  }) as ClassDecorator & MethodDecorator;
}

function setRouteConfigAccess(method: object, access: RouteAccess): void {
  const config = (Reflect.getOwnMetadata(FASTIFY_ROUTE_CONFIG_METADATA, method) as Record<string, unknown> | undefined) ?? {};
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, [ROUTE_ACCESS]: access }, method);
}

/** A route's access rule, from its Fastify route config; undefined for routes keygate's decorators did not set. */
export function routeConfigAccess(config: unknown): RouteAccess | undefined {
  return (config as Record<string, RouteAccess | undefined> | undefined)?.[ROUTE_ACCESS];
}

// the 401 and 403 answers are added to the OpenAPI document for every secured operation (app.factory.ts)
const protectedRoute = (access: RouteAccess) => applyDecorators(routeAccess(access), ApiSecurity(API_KEY_SCHEME), ApiBearerAuth(JWT_SCHEME));

/** Decided by the access policy's routes for a gateway, with the original request's credentials. */
export const ForwardAuthRoute = () => applyDecorators(routeAccess({ kind: 'gateway' }), ApiSecurity(API_KEY_SCHEME), ApiBearerAuth(JWT_SCHEME));

/** Open to anyone, without credentials. */
export const Public = () => routeAccess({ kind: 'public' });

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

/**
 * `me` or the caller's own id. `userId` must be canonical (`canonicalUserId` in common/ids.ts,
 * applied by the guard): a UUID in another letter case names the same user but is another string.
 */
export function isSelf(principal: Principal, userId: string): boolean {
  return userId === 'me' || userId === principal.userId;
}
