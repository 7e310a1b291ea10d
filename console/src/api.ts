/**
 * The console's only way to the server: the public REST API under /api, with the JWT pair from
 * POST /api/auth/login. The pair lives in this tab's sessionStorage (never in a URL), so a reload
 * keeps the session and closing the tab ends it.
 */

import type { components } from '../../openapi/keygate.js';

/** The server's request and response bodies, generated from its OpenAPI document (`npm run openapi`). */
type Schemas = components['schemas'];

export type TokenPair = Schemas['TokenPairDto'];

export type Authority = Schemas['UserDto']['authority'];

export type User = Schemas['UserDto'];

export type CurrentUser = Schemas['CurrentUserDto'];

export type ApiKeyStatus = Schemas['ApiKeyDto']['status'];

/** Who a key acts as: a person, or a service account (keys that belong to no person). */
export type OwnerType = Schemas['ApiKeyDto']['ownerType'];

export type ApiKey = Schemas['ApiKeyDto'];

export type CreatedApiKey = Schemas['CreatedApiKeyDto'];

/** A right of the catalog: keygate's own or the platform's; `members` only on a pseudo-right. */
export type RightDescription = Schemas['RightDescriptionDto'];

/** Keys for backends, fleets and integrations: it cannot log in, its keys act as it. */
export type ServiceAccount = Schemas['ServiceAccountDto'];

export type Customer = Schemas['CustomerDto'];

export type Webhook = Schemas['WebhookDto'];

/** A new webhook, with its signing secret: shown this once. */
export type CreatedWebhook = Schemas['CreatedWebhookDto'];

export type WebhookDelivery = Schemas['WebhookDeliveryDto'];

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

/** The server's error body; `message` was a list on validation errors before the one-string rule. */
type ServerErrorBody = Partial<Omit<Schemas['ErrorDto'], 'message'>> & { message?: string | string[] };

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

/** Whether a 401 was for an access token that ran out (a refresh mends it), not for a session that ended. */
function ranOut(refused: ApiError, token: string): boolean {
  return /expired/i.test(refused.message) || (expiryOf(token) ?? Infinity) <= Date.now();
}

type Query = Record<string, string | number | undefined>;

export class ApiClient {
  private tokens: TokenPair | null;
  /** The one refresh under way: every call that found the pair's access token expired waits for it. */
  private refreshing: { expired: TokenPair; renewed: Promise<TokenPair | null> } | null = null;
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

  /**
   * Forgets the session here at once, then ends it on the server (POST /api/auth/logout), with a
   * fresh access token if the one held has run out. False when the server could not be told.
   */
  async logout(): Promise<boolean> {
    const ending = this.tokens;
    const renewing = this.refreshing?.renewed;
    this.keep(null);
    if (!ending) return true;
    try {
      // a refresh under way holds the session's newest pair (it is not kept: the logout won)
      const pair = (await renewing) ?? ending;
      let response = await this.send('POST', '/api/auth/logout', undefined, undefined, pair.token);
      if (response.status === 401 && !renewing && ranOut(await toApiError(response), pair.token)) {
        const renewed = await this.exchange(pair.refreshToken);
        if (renewed) response = await this.send('POST', '/api/auth/logout', undefined, undefined, renewed.token);
      }
      // 401: the server holds no live session for it any more, which is what a logout wants
      return response.ok || response.status === 401;
    } catch {
      return false;
    }
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
    if (!sentWith) throw this.end('Log in to continue.', sentWith);
    let response = await this.send(method, path, query, body, sentWith.token);
    if (response.status === 401) {
      const refused = await toApiError(response);
      if (!ranOut(refused, sentWith.token)) throw this.end(`Your session ended: ${refused.message}. Log in again.`, sentWith);
      const renewed = await this.refresh(sentWith);
      if (!renewed) throw this.end(SESSION_EXPIRED, sentWith);
      response = await this.send(method, path, query, body, renewed.token);
      if (response.status === 401) throw this.end(`Your session ended: ${(await toApiError(response)).message}. Log in again.`, renewed);
    }
    if (!response.ok) throw await toApiError(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /**
   * The pair to retry with after `expired` was refused, or null. A refresh token works once (a second
   * use ends the session), so however many calls found it expired together, one exchange serves them all.
   */
  private refresh(expired: TokenPair): Promise<TokenPair | null> {
    // refreshed by another call meanwhile, or ended: the old refresh token is not presented again
    if (this.tokens !== expired) return Promise.resolve(this.tokens);
    if (this.refreshing?.expired !== expired) {
      const renewed = this.exchange(expired.refreshToken)
        .catch(() => null)
        .then((pair) => {
          if (this.refreshing?.expired === expired) this.refreshing = null;
          // a logout (or another login) meanwhile wins: the old session is not brought back
          if (pair && this.tokens === expired) this.keep(pair);
          return pair;
        });
      this.refreshing = { expired, renewed };
    }
    return this.refreshing.renewed.then((pair) => (pair && this.tokens === pair ? pair : null));
  }

  /** POST /api/auth/token: the next pair, or null when the refresh token is refused (expired, used, or its session ended). */
  private async exchange(refreshToken: string): Promise<TokenPair | null> {
    const response = await this.send('POST', '/api/auth/token', undefined, { refreshToken }, null);
    if (response.status === 400 || response.status === 401) return null;
    if (!response.ok) throw await toApiError(response);
    return (await response.json()) as TokenPair;
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

  /** Ends the session a call was made with, unless the console has moved on meanwhile (logged out, or in again). */
  private end(message: string, session: TokenPair | null): SessionEndedError {
    if (this.tokens === session) {
      this.keep(null);
      this.onSessionEnded(message);
    }
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

/** Every right, keygate's and the platform's, current and future: a new key's default. */
export const ALL_RIGHTS = 'RIGHT_ALL';

/** The keys of a user (`me`, or a managed user's id). */
export function userKeysPath(userId: string): string {
  return `/api/users/${encodeURIComponent(userId)}/api-keys`;
}

export function serviceAccountPath(accountId: string): string {
  return `/api/service-accounts/${encodeURIComponent(accountId)}`;
}

/** One key under its owner's keys path (`userKeysPath`, or a service account's `…/api-keys`). */
export function keyPath(keysPath: string, keyId: string): string {
  return `${keysPath}/${encodeURIComponent(keyId)}`;
}
