import type { Schemas } from './api-types.js';
import type { CredentialsStore, StoredLogin } from './credentials-store.js';
import { RefusedError, notKeygate, redirected, refused, unreachable } from './server-errors.js';

/** Who the requests are made as: an API key, the stored login, or nobody (to log in). */
export type Credential =
  | { kind: 'apiKey'; key: string }
  | { kind: 'login'; login: StoredLogin; store: CredentialsStore }
  | { kind: 'none' };

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

type TokenPair = Schemas['TokenPairDto'];

export interface ClientOptions {
  /** How long a request may take before the server counts as unreachable (default: 30 s). */
  timeoutMs?: number;
}

const TIMEOUT_MS = 30_000;
// refresh a little early, so the token does not expire between the check and the server
const REFRESH_MARGIN_SECONDS = 30;

/** keygate's REST API as the CLI uses it: JSON in and out, one credential, errors as CliErrors. */
export class KeygateClient {
  private refreshed = false;

  constructor(
    readonly server: URL,
    private readonly credential: Credential,
    private readonly options: ClientOptions = {},
  ) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { credential } = this;
    if (credential.kind === 'login' && expiresSoon(credential.login.token)) await this.refreshLogin(credential);
    let response = await this.send(method, path, options);
    // our clock may lag the server's, so an expired token can slip past expiresSoon: refresh once and retry
    if (response.status === 401 && credential.kind === 'login' && !this.refreshed) {
      await this.refreshLogin(credential);
      response = await this.send(method, path, options);
    }
    return this.read<T>(response);
  }

  /** `POST /api/auth/login`: the token pair for a username and password. */
  login(username: string, password: string): Promise<TokenPair> {
    return this.request<TokenPair>('POST', '/api/auth/login', { body: { username, password } });
  }

  /**
   * `POST /api/auth/logout`: ends the stored login's session on the server. False when the server
   * had no live session for it any more (logged out, ended or expired), which ends it just as well.
   */
  async logout(): Promise<boolean> {
    try {
      await this.request('POST', '/api/auth/logout');
      return true;
    } catch (error) {
      if (error instanceof RefusedError && error.status === 401) return false;
      throw error;
    }
  }

  /** Each refresh token works once: the new pair is stored before anything else is sent, or the next command would end the session. */
  private async refreshLogin(credential: Extract<Credential, { kind: 'login' }>): Promise<void> {
    this.refreshed = true;
    const { url } = credential.login;
    const response = await this.send('POST', '/api/auth/token', { body: { refreshToken: credential.login.refreshToken } }, false);
    if (response.status === 401 || response.status === 400) {
      throw new RefusedError(`your login to ${url} has expired or was ended; run "keygate login --url ${url} --username <email>" again`, response.status);
    }
    const pair = await this.read<TokenPair>(response);
    credential.login = { url, token: pair.token, refreshToken: pair.refreshToken };
    credential.store.write(credential.login);
  }

  private async send(method: string, path: string, { query, body }: RequestOptions, authenticate = true): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'keygate-cli' };
    const authorization = authenticate ? this.authorization() : undefined;
    if (authorization) headers.Authorization = authorization;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await fetch(this.urlOf(path, query), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? TIMEOUT_MS),
      });
    } catch (error) {
      throw unreachable(this.server, error);
    }
  }

  private authorization(): string | undefined {
    const { credential } = this;
    if (credential.kind === 'apiKey') return `Bearer ${credential.key}`;
    if (credential.kind === 'login') return `Bearer ${credential.login.token}`;
    return undefined;
  }

  private urlOf(path: string, query: RequestOptions['query'] = {}): URL {
    const url = new URL(`${this.server.href.replace(/\/+$/, '')}${path}`);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }

  private async read<T>(response: Response): Promise<T> {
    if (response.status >= 300 && response.status < 400) throw redirected(this.server, response.headers.get('location'));
    if (response.status === 204) return undefined as T;
    const contentType = response.headers.get('content-type');
    if (!contentType?.includes('json')) throw notKeygate(this.server, response.status, contentType);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw notKeygate(this.server, response.status, contentType);
    }
    if (!response.ok) throw refused(response.status, body, this.credential.kind);
    return body as T;
  }
}

/** Whether an access token's `exp` has passed, or is about to; a token we cannot read is left to the server. */
export function expiresSoon(token: string, now = Date.now()): boolean {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' && payload.exp - REFRESH_MARGIN_SECONDS <= now / 1000;
  } catch {
    return false;
  }
}
