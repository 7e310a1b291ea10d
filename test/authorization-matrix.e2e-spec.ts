import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, World, type As, type TestUser } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/*
 * Every route x every caller x every header style x every target, expected statuses generated from
 * one table of rules written from the contract (docs/contract.md), not from the code: who manages whom, which right each
 * route needs, and what each authority holds. A 2xx is only ever expected where the caller manages
 * the target. Nothing is drawn at random: every run sends the same requests.
 */

type Authority = 'SYS_ADMIN' | 'TENANT_ADMIN' | 'CUSTOMER_USER';
/** `key:others`: a key with only the rights on other users, which must not act on its owner. */
type Credential = 'jwt' | 'key:all' | 'key:info' | 'key:others';
/** Where the credential goes: `Authorization: Bearer` or `X-Authorization` (`Bearer <jwt>`, `ApiKey <key>`). */
type Header = 'authorization' | 'x-authorization';
/** The caller itself three ways (`me`, its id, its id in upper case: a UUID names a user in any case), and others. */
type TargetKind = 'me' | 'own id' | 'own id, upper case' | 'managed' | 'managed, upper case' | 'unmanaged' | 'unknown';
const SELF: TargetKind[] = ['me', 'own id', 'own id, upper case'];
const isSelf = (target: TargetKind | undefined) => target !== undefined && SELF.includes(target);
const isManaged = (target: TargetKind | undefined) => target === 'managed' || target === 'managed, upper case';

const ALL = ['RIGHT_USER_INFO', 'RIGHT_USER_SETTINGS_BASIC', 'RIGHT_USER_SETTINGS_API_KEYS', 'RIGHT_USER_DELETE', 'RIGHT_USER_USERS_READ', 'RIGHT_USER_USERS_WRITE', 'RIGHT_USER_USERS_API_KEYS', 'RIGHT_USER_TENANTS', 'RIGHT_USER_CUSTOMERS'];
const HELD: Record<Authority, string[]> = {
  SYS_ADMIN: ALL,
  TENANT_ADMIN: ALL.filter((r) => r !== 'RIGHT_USER_TENANTS'),
  CUSTOMER_USER: ['RIGHT_USER_INFO', 'RIGHT_USER_SETTINGS_BASIC', 'RIGHT_USER_SETTINGS_API_KEYS'],
};
const ON_OTHERS = ['RIGHT_USER_USERS_READ', 'RIGHT_USER_USERS_WRITE', 'RIGHT_USER_USERS_API_KEYS'];
const KEY_RIGHTS: Record<Exclude<Credential, 'jwt'>, string[]> = { 'key:all': ['RIGHT_ALL'], 'key:info': ['RIGHT_USER_INFO'], 'key:others': ON_OTHERS };
const effectiveRights = (authority: Authority, credential: Credential) =>
  credential === 'jwt' || credential === 'key:all' ? HELD[authority] : HELD[authority].filter((r) => KEY_RIGHTS[credential].includes(r));

/** Whom each authority manages among the target kinds (see the fixtures below for who they are). */
const MANAGES: Record<Authority, TargetKind[]> = {
  SYS_ADMIN: [...SELF, 'managed', 'managed, upper case'], // managed: a tenant administrator; unmanaged: a customer user
  TENANT_ADMIN: [...SELF, 'managed', 'managed, upper case'], // managed: a customer user of its tenant; unmanaged: a tenant administrator of another tenant
  CUSTOMER_USER: SELF, // managed does not exist for it: a colleague of the same customer, whom it does not manage
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
  /** The rights of the call. */
  held: string[];
  caller: TestUser;
  target?: string;
  keyId?: string;
  tenantId?: string;
  customerId?: string;
}

let usersMade = 0;
const ROUTES: Route[] = [
  { name: 'GET /api/auth/user', method: 'GET', right: 'RIGHT_USER_INFO', ok: 200, path: () => '/api/auth/user' },
  { name: 'GET /api/rights', method: 'GET', ok: 200, path: () => '/api/rights' },
  { name: 'GET /api/users', method: 'GET', right: 'RIGHT_USER_USERS_READ', ok: 200, path: () => '/api/users' },
  {
    name: 'POST /api/users', method: 'POST', right: 'RIGHT_USER_USERS_WRITE', ok: 201, path: () => '/api/users',
    body: (c) => ({
      email: `m-${++usersMade}@matrix.test`, password: 'password-1234',
      ...(c.authority === 'SYS_ADMIN' ? { authority: 'TENANT_ADMIN', tenantId: c.tenantId } : { authority: 'CUSTOMER_USER', customerId: c.customerId }),
    }),
    // whoever sets a user's password can act as it: only a caller holding all its rights may
    extra: (c) => (HELD[c.authority === 'SYS_ADMIN' ? 'TENANT_ADMIN' : 'CUSTOMER_USER'].every((r) => c.held.includes(r)) ? undefined : 403),
  },
  { name: 'GET /api/users/{user}', method: 'GET', user: { self: 'RIGHT_USER_INFO', other: 'RIGHT_USER_USERS_READ' }, ok: 200, path: (c) => `/api/users/${c.target}` },
  { name: 'PATCH /api/users/{user}', method: 'PATCH', user: { self: 'RIGHT_USER_SETTINGS_BASIC', other: 'RIGHT_USER_USERS_WRITE' }, ok: 200, body: () => ({ lastName: 'Matrix' }), path: (c) => `/api/users/${c.target}` },
  { name: 'DELETE /api/users/{user}', method: 'DELETE', user: { self: 'RIGHT_USER_DELETE', other: 'RIGHT_USER_USERS_WRITE' }, ok: 204, destructive: true, path: (c) => `/api/users/${c.target}` },
  { name: 'GET /api/users/{user}/rights', method: 'GET', user: { other: 'RIGHT_USER_USERS_READ' }, ok: 200, path: (c) => `/api/users/${c.target}/rights` },
  { name: 'POST /api/users/{user}/api-keys', method: 'POST', user: { self: 'RIGHT_USER_SETTINGS_API_KEYS', other: 'RIGHT_USER_USERS_API_KEYS' }, ok: 201, body: () => ({ description: 'matrix', rights: ['RIGHT_USER_INFO'] }), path: (c) => `/api/users/${c.target}/api-keys`, extra: (c) => (c.held.includes('RIGHT_USER_INFO') ? undefined : 403) },
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

// every credential in both of its header styles: the hook parses each its own way
const CALLERS: Array<{ authority: Authority; credential: Credential; header: Header } | 'anonymous'> = [
  ...(['SYS_ADMIN', 'TENANT_ADMIN', 'CUSTOMER_USER'] as Authority[]).flatMap((authority) =>
    (['jwt', 'key:all', 'key:info', 'key:others'] as Credential[])
      // a customer user holds none of the rights on others, so cannot give them to a key
      .filter((credential) => credential !== 'key:others' || authority !== 'CUSTOMER_USER')
      .flatMap((credential) => (['authorization', 'x-authorization'] as Header[]).map((header) => ({ authority, credential, header }))),
  ),
  'anonymous',
];
const TARGETS: TargetKind[] = ['me', 'own id', 'own id, upper case', 'managed', 'managed, upper case', 'unmanaged', 'unknown'];

function expectedStatus(route: Route, caller: (typeof CALLERS)[number], target: TargetKind | undefined, ctx: Omit<CaseContext, 'caller'>): number {
  if (caller === 'anonymous') return 401;
  const held = effectiveRights(caller.authority, caller.credential);
  const needed = route.user ? (isSelf(target) ? route.user.self : route.user.other) : route.right;
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

  /** Targets and keys that no case changes, made once: the run stays well under a minute. */
  const standing = new Map<string, Promise<TestUser | string>>();
  const once = <T extends TestUser | string>(name: string, make: () => Promise<T>): Promise<T> => {
    if (!standing.has(name)) standing.set(name, make());
    return standing.get(name) as Promise<T>;
  };

  /** The target user of a kind, for a caller (fresh when the route changes or removes it). */
  async function targetFor(kind: TargetKind, authority: Authority, caller: TestUser, fresh: boolean): Promise<TestUser | undefined> {
    if (isSelf(kind)) return caller;
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
    const make = isManaged(kind) ? managedOf[authority] : unmanagedOf[authority];
    return fresh ? make() : once(`${isManaged(kind) ? 'managed' : 'unmanaged'} of ${authority}`, make);
  }

  /** The credential of a caller, in its header style; one key per caller and kind of key. */
  async function credentialOf(caller: Exclude<(typeof CALLERS)[number], 'anonymous'>, actor: TestUser): Promise<As> {
    if (caller.credential === 'jwt') return { jwt: actor.jwt, header: caller.header };
    const rights = KEY_RIGHTS[caller.credential];
    const key = await once(`${caller.credential} of ${actor.id}`, async () => (await world.makeKey(actor, { rights })).key as string);
    return { key, header: caller.header };
  }

  /** How the case names its target in the path. */
  function targetPath(kind: TargetKind, user: TestUser | undefined): string {
    if (kind === 'unknown') return '00000000-0000-4000-8000-000000000000';
    if (kind === 'me') return 'me';
    return kind.endsWith('upper case') ? user!.id.toUpperCase() : user!.id;
  }

  it(`holds for all ${cases.length} cases`, async () => {
    const failures: string[] = [];
    let leaks = 0;
    /** Status per route, caller and self target: the three ways of naming oneself must answer alike. */
    const selfStatuses = new Map<string, Map<TargetKind, number>>();
    for (const { route, caller, target } of cases) {
      const authority = caller === 'anonymous' ? 'SYS_ADMIN' : caller.authority;
      const actor = await callerFor(authority, route.destructive === true && isSelf(target));
      const targetUser = target ? await targetFor(target, authority, actor, route.destructive === true || route.method === 'PATCH') : undefined;
      const ctx: CaseContext = {
        authority,
        held: caller === 'anonymous' ? [] : effectiveRights(caller.authority, caller.credential),
        caller: actor,
        target: target && targetPath(target, targetUser),
        tenantId: route.name.startsWith('DELETE /api/tenants') ? await world.makeTenant() : tenantId,
        customerId: route.name.startsWith('DELETE /api/customers') ? await world.makeCustomer(tenantAdmin) : customerId,
      };
      if (route.key) ctx.keyId = targetUser ? (await world.makeKey(targetUser)).id : 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      const as: As = caller === 'anonymous' ? undefined : await credentialOf(caller, actor);
      const expected = expectedStatus(route, caller, target, ctx);
      const reply = await client.call(route.method, route.path(ctx), as, route.body?.(ctx));
      const who = caller === 'anonymous' ? 'anonymous' : `${caller.authority}/${caller.credential} in ${caller.header}`;
      if (reply.status !== expected) failures.push(`${route.name} as ${who} on ${target ?? '-'}: ${reply.status} (expected ${expected}) ${JSON.stringify(reply.body ?? null).slice(0, 160)}`);
      if (reply.status < 300 && (target === 'unmanaged' || (isManaged(target) && authority === 'CUSTOMER_USER'))) leaks++;
      if (isSelf(target)) {
        const key = `${route.name} as ${who}`;
        selfStatuses.set(key, (selfStatuses.get(key) ?? new Map()).set(target!, reply.status));
      }
    }
    const unlikeMe = [...selfStatuses].filter(([, byTarget]) => new Set(byTarget.values()).size > 1).map(([key, byTarget]) => `${key}: ${JSON.stringify([...byTarget])}`);
    console.log(`authorization matrix: ${cases.length} cases, ${failures.length} unexpected, ${leaks} reads or changes of what the caller does not manage, ${unlikeMe.length} where one's own id is not \`me\``);
    expect(failures).toEqual([]);
    expect(unlikeMe).toEqual([]);
    expect(leaks).toBe(0);
  }, 600_000);
});
