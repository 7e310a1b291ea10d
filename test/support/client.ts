import { ADMIN_EMAIL, ADMIN_PASSWORD, type TestApp } from './test-app.js';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A credential to send: a JWT, a key in either header style, or raw headers. */
export type As =
  | { jwt: string; header?: 'authorization' | 'x-authorization' }
  | { key: string; header?: 'x-authorization' | 'authorization' }
  | { headers: Record<string, string> }
  | undefined;

export function authHeaders(as: As): Record<string, string> {
  if (!as) return {};
  if ('headers' in as) return as.headers;
  if ('jwt' in as) return as.header === 'x-authorization' ? { 'X-Authorization': `Bearer ${as.jwt}` } : { Authorization: `Bearer ${as.jwt}` };
  return as.header === 'authorization' ? { Authorization: `Bearer ${as.key}` } : { 'X-Authorization': `ApiKey ${as.key}` };
}

/** Talks to a test app over HTTP, as any client would. */
export class Client {
  constructor(readonly baseUrl: string) {}

  async call<T = any>(method: string, path: string, as?: As, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders(as), ...extraHeaders };
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['Content-Type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: left as text for the assertion to show
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string, as?: As) {
    return this.call<T>('GET', path, as);
  }
  post<T = any>(path: string, body: unknown, as?: As) {
    return this.call<T>('POST', path, as, body);
  }
  patch<T = any>(path: string, body: unknown, as?: As) {
    return this.call<T>('PATCH', path, as, body);
  }
  delete<T = any>(path: string, as?: As) {
    return this.call<T>('DELETE', path, as);
  }

  async login(username = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<{ token: string; refreshToken: string }> {
    const reply = await this.post('/api/auth/login', { username, password });
    if (reply.status !== 200) throw new Error(`login ${username} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  }
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  jwt: string;
  tenantId: string | null;
  customerId: string | null;
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}-${Date.now().toString(36)}`;

/** Small factories for the people and things a test needs, made through the API. */
export class World {
  readonly client: Client;
  private adminUser?: TestUser;

  constructor(readonly testApp: TestApp) {
    this.client = new Client(testApp.url);
  }

  async admin(): Promise<TestUser> {
    if (!this.adminUser) {
      const { token } = await this.client.login();
      const me = await this.client.get('/api/auth/user', { jwt: token });
      this.adminUser = { id: me.body.id, email: me.body.email, password: ADMIN_PASSWORD, jwt: token, tenantId: null, customerId: null };
    }
    return this.adminUser;
  }

  async makeTenant(name = unique('tenant')): Promise<string> {
    const reply = await this.client.post('/api/tenants', { name }, { jwt: (await this.admin()).jwt });
    if (reply.status !== 201) throw new Error(`tenant: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.id;
  }

  async makeCustomer(tenantAdmin: TestUser, name = unique('customer')): Promise<string> {
    const reply = await this.client.post('/api/customers', { name }, { jwt: tenantAdmin.jwt });
    if (reply.status !== 201) throw new Error(`customer: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.id;
  }

  /** A user created by `creator` (the system administrator by default) and logged in. */
  async makeUser(
    fields: { authority: string; tenantId?: string; customerId?: string; firstName?: string },
    creator?: TestUser,
  ): Promise<TestUser> {
    const email = `${unique(fields.authority.toLowerCase())}@example.test`;
    const password = 'password-1234';
    const by = creator ?? (await this.admin());
    const reply = await this.client.post('/api/users', { email, password, ...fields }, { jwt: by.jwt });
    if (reply.status !== 201) throw new Error(`user: ${reply.status} ${JSON.stringify(reply.body)}`);
    const { token } = await this.client.login(email, password);
    return { id: reply.body.id, email, password, jwt: token, tenantId: reply.body.tenantId, customerId: reply.body.customerId };
  }

  async makeSysAdmin(): Promise<TestUser> {
    return this.makeUser({ authority: 'SYS_ADMIN' });
  }

  async makeTenantAdmin(tenantId?: string): Promise<TestUser> {
    return this.makeUser({ authority: 'TENANT_ADMIN', tenantId: tenantId ?? (await this.makeTenant()) });
  }

  async makeCustomerUser(tenantAdmin: TestUser, customerId?: string): Promise<TestUser> {
    return this.makeUser({ authority: 'CUSTOMER_USER', customerId: customerId ?? (await this.makeCustomer(tenantAdmin)) }, tenantAdmin);
  }

  /** A service account made by `by` (a system or tenant administrator); returns the account. */
  async makeServiceAccount(by: TestUser, body: Record<string, unknown> = {}): Promise<any> {
    const reply = await this.client.post('/api/service-accounts', { name: unique('account'), rights: ['RIGHT_ALL'], ...body }, { jwt: by.jwt });
    if (reply.status !== 201) throw new Error(`service account: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  /** A key for service account `accountId`, made by `by`; returns the key object with `key`. */
  async makeAccountKey(accountId: string, by: TestUser, body: Record<string, unknown> = {}): Promise<any> {
    const reply = await this.client.post(`/api/service-accounts/${accountId}/api-keys`, { description: unique('key'), ...body }, { jwt: by.jwt });
    if (reply.status !== 201) throw new Error(`account key: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  /** A key for `owner`, made by `by` (the owner itself by default); returns the key object with `key`. */
  async makeKey(owner: TestUser, body: Record<string, unknown> = {}, by: As = { jwt: owner.jwt }): Promise<any> {
    const reply = await this.client.post(`/api/users/${owner.id}/api-keys`, { description: unique('key'), ...body }, by);
    if (reply.status !== 201) throw new Error(`key: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  }
}
