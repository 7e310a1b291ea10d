/**
 * The console's only way to the server: the public REST API under /api, with the JWT pair from
 * POST /api/auth/login. The pair lives in this tab's sessionStorage (never in a URL), so a reload
 * keeps the session and closing the tab ends it.
 */

export interface TokenPair {
  token: string;
  refreshToken: string;
}

export type Authority = 'SYS_ADMIN' | 'TENANT_ADMIN' | 'CUSTOMER_USER';

export interface User {
  id: string;
  email: string;
  authority: Authority;
  tenantId: string | null;
  customerId: string | null;
  firstName: string | null;
  lastName: string | null;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CurrentUser extends User {
  authentication: { method: 'jwt' | 'apiKey'; apiKeyId: string | null; rights: string[] };
}

export type ApiKeyStatus = 'ACTIVE' | 'DISABLED' | 'EXPIRED';

export interface ApiKey {
  id: string;
  userId: string;
  description: string;
  rights: string[];
  enabled: boolean;
  status: ApiKeyStatus;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
}

export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface RightDescription {
  name: string;
  description: string;
}

export interface Page<T> {
  data: T[];
  totalPages: number;
  totalElements: number;
  hasNext: boolean;
}

export interface PageQuery {
  page: number;
  pageSize: number;
  textSearch: string;
  sortProperty: string;
  sortOrder: 'ASC' | 'DESC';
}

/** A list's first page in the server's default order: newest first, 20 rows. */
export const FIRST_PAGE: PageQuery = { page: 0, pageSize: 20, textSearch: '', sortProperty: 'createdAt', sortOrder: 'DESC' };

/** An answer the server refused, in words a person can read. */
export class ApiError extends Error {
  constructor(
    /** The HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** A short headline, e.g. "Forbidden (403)". */
    readonly title: string,
    /** Each of the server's messages (a validation error may carry several). */
    readonly details: string[],
    /** The right the caller lacks, when the server named it. */
    readonly missingRight?: string,
  ) {
    super(details.length ? details.join('; ') : title);
  }
}

/** Thrown to callers when the session ended: the login screen shows why, so they show nothing. */
export class SessionEndedError extends Error {}

const STORAGE_KEY = 'keygate.console.session';
const SESSION_EXPIRED = 'Your session has expired. Log in again to continue.';

interface ServerErrorBody {
  statusCode?: number;
  error?: string;
  message?: string | string[];
  missingRight?: string;
  missingRights?: string[];
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: ServerErrorBody | undefined;
  try {
    body = (await response.json()) as ServerErrorBody;
  } catch {
    // not JSON: a proxy's page, say; the status alone will have to do
  }
  const reason = body?.error ?? response.statusText ?? 'Error';
  const title = `${reason || 'Error'} (${response.status})`;
  const messages = body?.message === undefined ? [] : Array.isArray(body.message) ? body.message : [String(body.message)];
  if (!body) messages.push(`The server answered HTTP ${response.status} without an explanation.`);
  return new ApiError(response.status, title, messages, body?.missingRight ?? body?.missingRights?.[0]);
}

/** The `exp` of a JWT, in ms; undefined when it cannot be read (the server decides anyway). */
function expiryOf(jwt: string): number | undefined {
  try {
    const payload = JSON.parse(atob(jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

type Query = Record<string, string | number | undefined>;

export class ApiClient {
  private tokens: TokenPair | null;
  private refreshing: Promise<boolean> | null = null;
  /** Told when the session ends on its own (expired, user disabled): the app goes back to login. */
  onSessionEnded: (message: string) => void = () => {};

  constructor(private readonly storage: Storage = sessionStorage) {
    this.tokens = ApiClient.load(storage);
  }

  get loggedIn(): boolean {
    return this.tokens !== null;
  }

  async login(username: string, password: string): Promise<void> {
    const response = await this.send('POST', '/api/auth/login', undefined, { username, password }, null);
    if (!response.ok) throw await toApiError(response);
    this.keep((await response.json()) as TokenPair);
  }

  logout(): void {
    this.keep(null);
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.call<T>('GET', path, query);
  }
  post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, undefined, body);
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PATCH', path, undefined, body);
  }
  delete(path: string): Promise<void> {
    return this.call<void>('DELETE', path);
  }

  /** One authenticated call; a 401 for an expired access token is answered by one refresh and a retry. */
  private async call<T>(method: string, path: string, query?: Query, body?: unknown): Promise<T> {
    const sentWith = this.tokens;
    if (!sentWith) throw this.end('Log in to continue.');
    let response = await this.send(method, path, query, body, sentWith.token);
    if (response.status === 401) {
      const refused = await toApiError(response);
      const expired = /expired/i.test(refused.message) || (expiryOf(sentWith.token) ?? Infinity) <= Date.now();
      if (!expired) throw this.end(`Your session ended: ${refused.message}. Log in again.`);
      if (!(await this.refresh(sentWith))) throw this.end(SESSION_EXPIRED);
      response = await this.send(method, path, query, body, this.tokens!.token);
      if (response.status === 401) throw this.end(`Your session ended: ${(await toApiError(response)).message}. Log in again.`);
    }
    if (!response.ok) throw await toApiError(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** Exchanges the refresh token once, however many calls found the access token expired together. */
  private refresh(expired: TokenPair): Promise<boolean> {
    if (this.tokens && this.tokens !== expired) return Promise.resolve(true);
    this.refreshing ??= (async () => {
      try {
        const response = await this.send('POST', '/api/auth/token', undefined, { refreshToken: expired.refreshToken }, null);
        if (!response.ok) return false;
        this.keep((await response.json()) as TokenPair);
        return true;
      } catch {
        return false;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private async send(method: string, path: string, query: Query | undefined, body: unknown, token: string | null): Promise<Response> {
    const url = new URL(path, location.origin);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch (error) {
      throw new ApiError(0, 'The server cannot be reached', [`${(error as Error).message}. Check your connection and try again.`]);
    }
  }

  private end(message: string): SessionEndedError {
    this.keep(null);
    this.onSessionEnded(message);
    return new SessionEndedError(message);
  }

  private keep(tokens: TokenPair | null): void {
    this.tokens = tokens;
    if (tokens) this.storage.setItem(STORAGE_KEY, JSON.stringify(tokens));
    else this.storage.removeItem(STORAGE_KEY);
  }

  private static load(storage: Storage): TokenPair | null {
    try {
      const stored = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<TokenPair> | null;
      return stored?.token && stored.refreshToken ? { token: stored.token, refreshToken: stored.refreshToken } : null;
    } catch {
      return null;
    }
  }
}

export const api = new ApiClient();

let catalog: Promise<RightDescription[]> | undefined;

/** The rights catalog (GET /api/rights); it does not change while the server runs, so it is read once. */
export function rightsCatalog(): Promise<RightDescription[]> {
  catalog ??= api.get<RightDescription[]>('/api/rights').catch((error: unknown) => {
    catalog = undefined;
    throw error;
  });
  return catalog;
}

export const ALL_RIGHTS = 'RIGHT_USER_ALL';

export function keysPath(userId: string, keyId?: string): string {
  const base = `/api/users/${encodeURIComponent(userId)}/api-keys`;
  return keyId ? `${base}/${encodeURIComponent(keyId)}` : base;
}
