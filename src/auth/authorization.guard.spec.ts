import 'reflect-metadata';
import { ForbiddenException, HttpException, Logger, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { Test } from '@nestjs/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Authority } from '../rights/authority.js';
import type { Principal } from '../rights/principal.js';
import { Right } from '../rights/right.js';
import { PRINCIPAL_REQUEST_KEY, Public, RequireRights, RequireUserRights } from '../rights/route-rights.decorator.js';
import { AuthorizationGuard, MissingRightException } from './authorization.guard.js';
import { Authenticator } from './verify/authenticator.js';

const OWN_ID = '0f8a2c1e-4b7d-4e3a-9c1b-2d3e4f5a6b7c';
const OTHER_ID = '9d1e7c20-5a3b-4f6e-8d2c-1b0a9f8e7d6c';

class Routes {
  @RequireRights(Right.USER_TENANTS)
  tenants(): void {}

  @RequireUserRights({ self: Right.USER_SETTINGS_API_KEYS, other: Right.USER_USERS_API_KEYS })
  keysOf(): void {}

  @Public()
  open(): void {}

  undeclared(): void {}
}

const makePrincipal = (rights: Right[]): Principal => ({
  ownerType: 'user',
  userId: OWN_ID,
  authority: Authority.TENANT_ADMIN,
  tenantId: 't',
  customerId: null,
  method: 'apiKey',
  apiKeyId: 'K',
  sessionId: null,
  keyRights: rights,
  restrictions: null,
  metadata: null,
  rights: new Set(rights),
});

function makeRequest(fields: { principal?: Principal; params?: Record<string, string> } = {}): Record<string, unknown> {
  return {
    method: 'GET',
    url: '/api/somewhere',
    routeOptions: { url: '/api/somewhere' },
    headers: { authorization: 'Bearer would-be-accepted' },
    ip: '127.0.0.1',
    params: fields.params ?? {},
    ...(fields.principal ? { [PRINCIPAL_REQUEST_KEY]: fields.principal } : {}),
  };
}

const contextFor = (handler: keyof Routes, request: Record<string, unknown>) =>
  new ExecutionContextHost([request, {}], Routes, Routes.prototype[handler]);

/** What the guard answers: true, or the exception it throws. */
function answer(sut: AuthorizationGuard, handler: keyof Routes, request: Record<string, unknown>): unknown {
  try {
    return sut.canActivate(contextFor(handler, request));
  } catch (error) {
    return error;
  }
}

describe('AuthorizationGuard', () => {
  let sut: AuthorizationGuard;
  let loggedErrors: ReturnType<typeof vi.spyOn>;

  beforeEach(async () => {
    // an authenticator that accepts anyone with every right: the guard must never ask it
    const acceptsAnyone = { authenticate: () => makePrincipal(Object.values(Right)), decide: () => makePrincipal(Object.values(Right)) };
    const module = await Test.createTestingModule({ providers: [AuthorizationGuard, { provide: Authenticator, useValue: acceptsAnyone }] }).compile();
    sut = module.get(AuthorizationGuard);
    loggedErrors = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('refuses a caller without the route\'s right with 403 {missingRight}', () => {
    const refused = answer(sut, 'tenants', makeRequest({ principal: makePrincipal([Right.USER_INFO]) }));
    expect(refused).toBeInstanceOf(MissingRightException);
    expect((refused as HttpException).getStatus()).toBe(403);
    expect((refused as HttpException).getResponse()).toMatchObject({ missingRight: Right.USER_TENANTS });
    expect(answer(sut, 'tenants', makeRequest({ principal: makePrincipal([Right.USER_TENANTS]) }))).toBe(true);
  });

  it('refuses a protected route reached without a caller (401), authenticating no one itself, and logs it', () => {
    const refused = answer(sut, 'tenants', makeRequest());
    expect(refused).toBeInstanceOf(UnauthorizedException);
    expect(loggedErrors).toHaveBeenCalledWith(expect.stringContaining('GET /api/somewhere reached the guard without a caller'));
    expect(answer(sut, 'keysOf', makeRequest({ params: { userId: 'me' } }))).toBeInstanceOf(UnauthorizedException);
  });

  it('lets anyone call a public route; nobody a route without a rule', () => {
    expect(answer(sut, 'open', makeRequest())).toBe(true);
    expect(answer(sut, 'undeclared', makeRequest({ principal: makePrincipal(Object.values(Right)) }))).toBeInstanceOf(ForbiddenException);
    expect(loggedErrors).not.toHaveBeenCalled();
  });

  it('takes `me` and its own id in any letter case for oneself, and hands the id on in lower case', () => {
    const onlyOnOthers = makePrincipal([Right.USER_USERS_API_KEYS]);
    for (const userId of ['me', OWN_ID, OWN_ID.toUpperCase(), '0F8A2C1E-4b7d-4E3A-9c1b-2D3E4f5a6b7c']) {
      const request = makeRequest({ principal: onlyOnOthers, params: { userId } });
      expect(answer(sut, 'keysOf', request)).toMatchObject({ response: { missingRight: Right.USER_SETTINGS_API_KEYS } });
      const allowed = makeRequest({ principal: makePrincipal([Right.USER_SETTINGS_API_KEYS]), params: { userId } });
      expect(answer(sut, 'keysOf', allowed)).toBe(true);
      expect((allowed.params as Record<string, string>).userId).toBe(userId === 'me' ? 'me' : OWN_ID);
    }
  });

  it('needs the right on others for another id, and finds no user in what is no user id', () => {
    const other = makeRequest({ principal: makePrincipal([Right.USER_USERS_API_KEYS]), params: { userId: OTHER_ID.toUpperCase() } });
    expect(answer(sut, 'keysOf', other)).toBe(true);
    expect((other.params as Record<string, string>).userId).toBe(OTHER_ID);
    expect(answer(sut, 'keysOf', makeRequest({ principal: makePrincipal([Right.USER_SETTINGS_API_KEYS]), params: { userId: OTHER_ID } }))).toMatchObject({
      response: { missingRight: Right.USER_USERS_API_KEYS },
    });
    for (const userId of ['ME', `{${OWN_ID}}`, OWN_ID.replaceAll('-', '')]) {
      expect(answer(sut, 'keysOf', makeRequest({ principal: makePrincipal(Object.values(Right)), params: { userId } }))).toBeInstanceOf(NotFoundException);
    }
  });
});
