import 'reflect-metadata';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import { describe, expect, it } from 'vitest';
import { Right } from './right.js';
import { Public, RequireRights, RequireUserRights, routeConfigAccess } from './route-rights.decorator.js';

@RequireUserRights({ self: Right.USER_SETTINGS_API_KEYS, other: Right.USER_USERS_API_KEYS })
class Controller {
  inherits(): void {}

  @RequireRights(Right.USER_INFO)
  own(): void {}

  @Public()
  open(): void {}
}

const accessOf = (method: object) => routeConfigAccess(Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, method));

describe('route access in the Fastify route config', () => {
  it("gives each method its own rule, or else its class's", () => {
    expect(accessOf(Controller.prototype.inherits)).toEqual({ kind: 'user', self: Right.USER_SETTINGS_API_KEYS, other: Right.USER_USERS_API_KEYS });
    expect(accessOf(Controller.prototype.own)).toEqual({ kind: 'rights', right: Right.USER_INFO });
    expect(accessOf(Controller.prototype.open)).toEqual({ kind: 'public' });
  });

  it('finds nothing on a route keygate did not decorate', () => {
    expect(routeConfigAccess(undefined)).toBeUndefined();
    expect(routeConfigAccess({ other: 1 })).toBeUndefined();
  });
});
