import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, World, type As, type TestUser } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/*
 * Every route x every caller x every target, expected statuses generated from one table of rules
 * written from SPEC.md (not from the code): who manages whom, which right each route needs, and
 * what each authority holds. A 2xx is only ever expected where the caller manages the target.
 */

type Authority = 'SYS_ADMIN' | 'TENANT_ADMIN' | 'CUSTOMER_USER';
type Credential = 'jwt' | 'key:all' | 'key:info';
type TargetKind = 'self' | 'managed' | 'unmanaged' | 'unknown';

const ALL = ['RIGHT_USER_INFO', 'RIGHT_USER_SETTINGS_BASIC', 'RIGHT_USER_SETTINGS_API_KEYS', 'RIGHT_USER_DELETE', 'RIGHT_USER_USERS_READ', 'RIGHT_USER_USERS_WRITE', 'RIGHT_USER_USERS_API_KEYS', 'RIGHT_USER_TENANTS', 'RIGHT_USER_CUSTOMERS'];
const HELD: Record<Authority, string[]> = {
  SYS_ADMIN: ALL,
  TENANT_ADMIN: ALL.filter((r) => r !== 'RIGHT_USER_TENANTS'),
  CUSTOMER_USER: ['RIGHT_USER_INFO', 'RIGHT_USER_SETTINGS_BASIC', 'RIGHT_USER_SETTINGS_API_KEYS'],
};
const effectiveRights = (authority: Authority, credential: Credential) =>
  credential === 'key:info' ? HELD[authority].filter((r) => r === 'RIGHT_USER_INFO') : HELD[authority];

/** Whom each authority manages among the target kinds (see the fixtures below for who they are). */
const MANAGES: Record<Authority, TargetKind[]> = {
  SYS_ADMIN: ['self', 'managed'], // managed: a tenant administrator; unmanaged: a customer user
  TENANT_ADMIN: ['self', 'managed'], // managed: a customer user of its tenant; unmanaged: a tenant administrator of another tenant
  CUSTOMER_USER: ['self'], // managed does not exist for it: a colleague of the same customer, whom it does not manage
};

interface Route {
  name: string;
  method: string;
  /** Routes on /users/{userId}/…: the right on oneself and on another user. */
  user?: { self?: string; other: string };
  right?: string;
  ok: number;
  /** Needs a key of the target user in the path. */
  key?: boolean;
  /** Changes or removes the target: each case gets fresh fixtures. */
  destructive?: boolean;
  body?: (ctx: CaseContext) => unknown;
  path: (ctx: CaseContext) => string;
  /** Other rules of the route (beyond rights and management), as a status. */
  extra?: (ctx: CaseContext) => number | undefined;
}

interface CaseContext {
  authority: Authority;
  caller: TestUser;
  target?: string;
  keyId?: string;
  tenantId?: string;
  customerId?: string;
}

const ROUTES: Route[] = [
  { name: 'GET /api/auth/user', method: 'GET', right: 'RIGHT_USER_INFO', ok: 200, path: () => '/api/auth/user' },
  { name: 'GET /api/rights', method: 'GET', ok: 200, path: () => '/api/rights' },
  { name: 'GET /api/users', method: 'GET', right: 'RIGHT_USER_USERS_READ', ok: 200, path: () => '/api/users' },
  {
    name: 'POST /api/users', method: 'POST', right: 'RIGHT_USER_USERS_WRITE', ok: 201, path: () => '/api/users',
    body: (c) => ({
      email: `m-${Math.random().toString(36).slice(2)}@matrix.test`, password: 'password-1234',
      ...(c.authority === 'SYS_ADMIN' ? { authority: 'TENANT_ADMIN', tenantId: c.tenantId } : { authority: 'CUSTOMER_USER', customerId: c.customerId }),
    }),
  },
  { name: 'GET /api/users/{user}', method: 'GET', user: { self: 'RIGHT_USER_INFO', other: 'RIGHT_USER_USERS_READ' }, ok: 200, path: (c) => `/api/users/${c.target}` },
  { name: 'PATCH /api/users/{user}', method: 'PATCH', user: { self: 'RIGHT_USER_SETTINGS_BASIC', other: 'RIGHT_USER_USERS_WRITE' }, ok: 200, body: () => ({ lastName: 'Matrix' }), path: (c) => `/api/users/${c.target}` },
  { name: 'DELETE /api/users/{user}', method: 'DELETE', user: { self: 'RIGHT_USER_DELETE', other: 'RIGHT_USER_USERS_WRITE' }, ok: 204, destructive: true, path: (c) => `/api/users/${c.target}` },
  { name: 'GET /api/users/{user}/rights', method: 'GET', user: { other: 'RIGHT_USER_USERS_READ' }, ok: 200, path: (c) => `/api/users/${c.target}/rights` },
  { name: 'POST /api/users/{user}/api-keys', method: 'POST', user: { self: 'RIGHT_USER_SETTINGS_API_KEYS', other: 'RIGHT_USER_USERS_API_KEYS' }, ok: 201, body: () => ({ description: 'matrix', rights: ['RIGHT_USER_INFO'] }), path: (c) => `/api/users/${c.target}/api-keys` },
  { name: 'GET /api/users/{user}/api-keys', method: 'GET', user: { self: 'RIGHT_USER_SETTINGS_API_KEYS', other: 'RIGHT_USER_USERS_API_KEYS' }, ok: 200, path: (c) => `/api/users/${c.target}/api-keys` },
  { name: 'GET /api/users/{user}/api-keys/{key}', method: 'GET', key: true, user: { self: 'RIGHT_USER_SETTINGS_API_KEYS', other: 'RIGHT_USER_USERS_API_KEYS' }, ok: 200, path: (c) => `/api/users/${c.target}/api-keys/${c.keyId}` },
  { name: 'PATCH /api/users/{user}/api-keys/{key}', method: 'PATCH', key: true, user: { self: 'RIGHT_USER_SETTINGS_API_KEYS', other: 'RIGHT_USER_USERS_API_KEYS' }, ok: 200, body: () => ({ description: 'renamed' }), path: (c) => `/api/users/${c.target}/api-keys/${c.keyId}` },
  { name: 'DELETE /api/users/{user}/api-keys/{key}', method: 'DELETE', key: true, destructive: true, user: { self: 'RIGHT_USER_SETTINGS_API_KEYS', other: 'RIGHT_USER_USERS_API_KEYS' }, ok: 204, path: (c) => `/api/users/${c.target}/api-keys/${c.keyId}` },
  { name: 'GET /api/users/{user}/api-keys/{key}/events', method: 'GET', key: true, user: { self: 'RIGHT_USER_SETTINGS_API_KEYS', other: 'RIGHT_USER_USERS_API_KEYS' }, ok: 200, path: (c) => `/api/users/${c.target}/api-keys/${c.keyId}/events` },
  { name: 'POST /api/tenants', method: 'POST', right: 'RIGHT_USER_TENANTS', ok: 201, body: () => ({ name: 'matrix tenant' }), path: () => '/api/tenants' },
  { name: 'GET /api/tenants', method: 'GET', right: 'RIGHT_USER_TENANTS', ok: 200, path: () => '/api/tenants' },
  { name: 'DELETE /api/tenants/{tenant}', method: 'DELETE', right: 'RIGHT_USER_TENANTS', ok: 204, destructive: true, path: (c) => `/api/tenants/${c.tenantId}` },
  // customers live in a tenant: a system administrator has none
  { name: 'POST /api/customers', method: 'POST', right: 'RIGHT_USER_CUSTOMERS', ok: 201, body: () => ({ name: 'matrix customer' }), path: () => '/api/customers', extra: (c) => (c.authority === 'SYS_ADMIN' ? 403 : undefined) },
  { name: 'GET /api/customers', method: 'GET', right: 'RIGHT_USER_CUSTOMERS', ok: 200, path: () => '/api/customers', extra: (c) => (c.authority === 'SYS_ADMIN' ? 403 : undefined) },
  { name: 'DELETE /api/customers/{customer}', method: 'DELETE', right: 'RIGHT_USER_CUSTOMERS', ok: 204, destructive: true, path: (c) => `/api/customers/${c.customerId}`, extra: (c) => (c.authority === 'SYS_ADMIN' ? 403 : undefined) },
  { name: 'GET /api/audit', method: 'GET', right: 'RIGHT_USER_USERS_READ', ok: 200, path: () => '/api/audit' },
];

const CALLERS: Array<{ authority: Authority; credential: Credential } | 'anonymous'> = [
  ...(['SYS_ADMIN', 'TENANT_ADMIN', 'CUSTOMER_USER'] as Authority[]).flatMap((authority) =>
    (['jwt', 'key:all', 'key:info'] as Credential[]).map((credential) => ({ authority, credential })),
  ),
  'anonymous',
];
const TARGETS: TargetKind[] = ['self', 'managed', 'unmanaged', 'unknown'];

function expectedStatus(route: Route, caller: (typeof CALLERS)[number], target: TargetKind | undefined, ctx: Omit<CaseContext, 'caller'>): number {
  if (caller === 'anonymous') return 401;
  const held = effectiveRights(caller.authority, caller.credential);
  const needed = route.user ? (target === 'self' ? route.user.self : route.user.other) : route.right;
  if (needed && !held.includes(needed)) return 403;
  if (route.user) {
    if (target === 'unknown') return 404;
    if (!MANAGES[caller.authority].includes(target!)) return 403;
  }
  return route.extra?.({ ...ctx, caller: undefined as never }) ?? route.ok;
}

describe('authorization matrix: route x caller x target', () => {
  let sut: TestApp;
  let world: World;
  let client: Client;
  const fixed: Record<Authority, TestUser> = {} as never;
  let tenantId: string;
  let otherTenantAdmin: TestUser;
  let tenantAdmin: TestUser;
  let customerId: string;
  const cases: Array<{ route: Route; caller: (typeof CALLERS)[number]; target?: TargetKind }> = [];
  for (const route of ROUTES) {
    for (const caller of CALLERS) {
      for (const target of route.user ? TARGETS : [undefined]) cases.push({ route, caller, target });
    }
  }

  beforeAll(async () => {
    sut = await startTestApp({ AUTH_MAX_FAILURES_PER_MINUTE: '0' });
    world = new World(sut);
    client = world.client;
    tenantId = await world.makeTenant('matrix');
    tenantAdmin = await world.makeTenantAdmin(tenantId);
    otherTenantAdmin = await world.makeTenantAdmin();
    customerId = await world.makeCustomer(tenantAdmin);
    fixed.SYS_ADMIN = await world.makeSysAdmin();
    fixed.TENANT_ADMIN = tenantAdmin;
    fixed.CUSTOMER_USER = await world.makeCustomerUser(tenantAdmin, customerId);
  });
  afterAll(() => sut.close());

  /** A caller of the authority: a fresh one when the route may remove it. */
  async function callerFor(authority: Authority, fresh: boolean): Promise<TestUser> {
    if (!fresh) return fixed[authority];
    if (authority === 'SYS_ADMIN') return world.makeSysAdmin();
    if (authority === 'TENANT_ADMIN') return world.makeTenantAdmin(tenantId);
    return world.makeCustomerUser(tenantAdmin, customerId);
  }

  /** The target user of a kind, for a caller (fresh when the route changes or removes it). */
  async function targetFor(kind: TargetKind, authority: Authority, caller: TestUser, fresh: boolean): Promise<TestUser | undefined> {
    if (kind === 'self') return caller;
    if (kind === 'unknown') return undefined;
    const managedOf: Record<Authority, () => Promise<TestUser>> = {
      SYS_ADMIN: () => (fresh ? world.makeTenantAdmin(tenantId) : Promise.resolve(otherTenantAdmin)),
      TENANT_ADMIN: () => world.makeCustomerUser(tenantAdmin, customerId),
      CUSTOMER_USER: () => world.makeCustomerUser(tenantAdmin, customerId),
    };
    const unmanagedOf: Record<Authority, () => Promise<TestUser>> = {
      SYS_ADMIN: () => world.makeCustomerUser(tenantAdmin, customerId),
      TENANT_ADMIN: () => Promise.resolve(otherTenantAdmin),
      CUSTOMER_USER: () => Promise.resolve(tenantAdmin),
    };
    return kind === 'managed' ? managedOf[authority]() : unmanagedOf[authority]();
  }

  it(`holds for all ${cases.length} cases`, async () => {
    const failures: string[] = [];
    let leaks = 0;
    for (const { route, caller, target } of cases) {
      const authority = caller === 'anonymous' ? 'SYS_ADMIN' : caller.authority;
      const actor = await callerFor(authority, route.destructive === true && target === 'self');
      const targetUser = target ? await targetFor(target, authority, actor, route.destructive === true || route.method === 'PATCH') : undefined;
      const ctx: CaseContext = {
        authority,
        caller: actor,
        target: target === 'unknown' ? '00000000-0000-4000-8000-000000000000' : target === 'self' && Math.random() < 0.5 ? 'me' : targetUser?.id,
        tenantId: route.name.startsWith('DELETE /api/tenants') ? await world.makeTenant() : tenantId,
        customerId: route.name.startsWith('DELETE /api/customers') ? await world.makeCustomer(tenantAdmin) : customerId,
      };
      if (route.key) ctx.keyId = targetUser ? (await world.makeKey(targetUser)).id : 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      let as: As;
      if (caller !== 'anonymous') {
        as = caller.credential === 'jwt'
          ? { jwt: actor.jwt }
          : { key: (await world.makeKey(actor, { rights: caller.credential === 'key:all' ? ['RIGHT_USER_ALL'] : ['RIGHT_USER_INFO'] })).key, header: Math.random() < 0.5 ? 'authorization' : 'x-authorization' };
      }
      const expected = expectedStatus(route, caller, target, ctx);
      const reply = await client.call(route.method, route.path(ctx), as, route.body?.(ctx));
      const who = caller === 'anonymous' ? 'anonymous' : `${caller.authority}/${caller.credential}`;
      if (reply.status !== expected) failures.push(`${route.name} as ${who} on ${target ?? '-'}: ${reply.status} (expected ${expected}) ${JSON.stringify(reply.body).slice(0, 160)}`);
      if (reply.status < 300 && (target === 'unmanaged' || (target === 'managed' && authority === 'CUSTOMER_USER'))) leaks++;
    }
    console.log(`authorization matrix: ${cases.length} cases, ${failures.length} unexpected, ${leaks} reads or changes of what the caller does not manage`);
    expect(failures).toEqual([]);
    expect(leaks).toBe(0);
  }, 600_000);
});
