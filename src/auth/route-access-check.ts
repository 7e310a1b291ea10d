import { Injectable, RequestMethod, type OnApplicationBootstrap, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import { isDeepStrictEqual } from 'node:util';
import { ROUTE_ACCESS, routeConfigAccess, type RouteAccess } from '../rights/route-rights.decorator.js';

/**
 * Stops the start when a route could not be decided as the design says: the authentication hook
 * authenticates the routes whose Fastify config carries a protected rule, and the guard then
 * refuses any protected route that reaches it without a caller. A route with no rule at all, or
 * whose config lost the rule the guard reads (another `@RouteConfig` over it, a method inherited
 * from a base class), would answer 403 or 401 to everyone; better found at boot than in production.
 */
@Injectable()
export class RouteAccessCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const controllers = this.discovery.getControllers().map((wrapper) => wrapper.metatype as Type | undefined);
    const problems = controllers.filter((c): c is Type => typeof c === 'function').flatMap((c) => this.problemsOf(c));
    if (problems.length) throw new Error(`Routes without a usable access rule:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }

  private problemsOf(controller: Type): string[] {
    const problems: string[] = [];
    for (const name of this.scanner.getAllMethodNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name] as object;
      const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (methodPath === undefined) continue;
      const path = routePath(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined, methodPath);
      const route = `${RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod]} ${path} (${controller.name}.${name})`;
      // read as the guard reads it
      const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [handler as never, controller]);
      if (!access) {
        problems.push(`${route} declares no access rule: give it @Public(), @RequireRights() or @RequireUserRights()`);
        continue;
      }
      const config = routeConfigAccess(Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler));
      if (access.kind !== 'public' && !isDeepStrictEqual(config, access)) {
        problems.push(`${route} has the rule ${JSON.stringify(access)} but its Fastify route config has ${JSON.stringify(config)}: the authentication hook would not authenticate it`);
      }
      if (access.kind === 'user' && !/(^|\/):userId(\/|$)/.test(path)) {
        problems.push(`${route} has a rule on a user but no :userId in its path`);
      }
    }
    return problems;
  }
}

function routePath(controllerPath: string | string[] | undefined, methodPath: string | string[]): string {
  const first = (p: string | string[] | undefined) => (Array.isArray(p) ? p[0] : p) ?? '';
  return `/${[first(controllerPath), first(methodPath)].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
}
