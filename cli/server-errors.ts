import type { Schemas } from './api-types.js';
import { CliError, oneLine } from './cli-error.js';

/** How the request was authenticated, which decides what a 401 asks the user to do. */
export type CredentialKind = 'apiKey' | 'login' | 'none';

/** keygate's error body: `{statusCode, error, message}`, and `missingRight(s)` on a 403 (`message` a list from older servers). */
type ErrorBody = Partial<Omit<Schemas['ErrorDto'], 'message'>> & { message?: string | string[] };

const URL_HINT = 'check --url or KEYGATE_URL';

const UNAUTHORIZED_ADVICE: Record<CredentialKind, string | undefined> = {
  apiKey: 'check KEYGATE_API_KEY: the key may be wrong, disabled, expired or deleted',
  login: 'run "keygate login" again',
  none: undefined,
};

/** A fetch that got no answer at all: the server is down, the host unknown, the TLS refused. */
export function unreachable(server: URL, error: unknown): CliError {
  const code = errorCode(error);
  const where = server.origin;
  if (code === 'ECONNREFUSED') return new CliError(`cannot connect to ${where} (connection refused); start keygate there, or ${URL_HINT}`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new CliError(`cannot find the host ${server.hostname}; ${URL_HINT}`);
  if (code === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new CliError(`${where} did not answer in time; is keygate running there? ${URL_HINT}`);
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return new CliError(`${where} closed the connection; is it a keygate server? ${URL_HINT}`);
  const cause = innermost(error);
  return new CliError(`cannot reach ${where}: ${oneLine(cause.message || String(cause))}; ${URL_HINT}`);
}

/** A redirect is not followed: it could carry the credential to another server. */
export function redirected(server: URL, location: string | null): CliError {
  const target = URL.canParse(location ?? '', server.href) ? new URL(location!, server).origin : 'elsewhere';
  return new CliError(`${server.origin} redirects to ${target}; give the final address with --url or KEYGATE_URL`);
}

/** An answer that is not keygate's JSON: most likely another server at that URL. */
export function notKeygate(server: URL, status: number, contentType: string | null): CliError {
  return new CliError(`${server.origin} answered HTTP ${status} (${contentType || 'no content type'}), not keygate's JSON; ${URL_HINT}`);
}

/** keygate answered and refused: the status kept, so a command can tell "already so" from a failure. */
export class RefusedError extends CliError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A 4xx or 5xx from keygate: the server's message, then what to do about it. */
export function refused(status: number, body: unknown, credential: CredentialKind): RefusedError {
  const error = (typeof body === 'object' && body !== null ? body : {}) as ErrorBody;
  const message = serverMessage(error) ?? `HTTP ${status}`;
  const advice = adviceFor(status, error, message, credential);
  return new RefusedError(`${message} (HTTP ${status})${advice ? `; ${advice}` : ''}`, status);
}

function serverMessage(error: ErrorBody): string | undefined {
  const { message } = error;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' && message ? message : undefined;
}

function adviceFor(status: number, error: ErrorBody, message: string, credential: CredentialKind): string | undefined {
  if (status === 401) return UNAUTHORIZED_ADVICE[credential];
  if (status === 403 && error.missingRight) return `use a login or an API key that holds ${error.missingRight}`;
  if (status === 403 && error.missingRights?.length) return 'leave out the rights you do not hold';
  if (status === 404 && /^Route .* not found$|^Cannot /.test(message)) return `is this a keygate server? ${URL_HINT}`;
  if (status === 404) return 'check the ids you gave';
  if (status >= 500) return "try again; if it persists, see the server's log";
  return undefined;
}

/** The code of a fetch failure: undici wraps the socket's error in `cause`, sometimes in an AggregateError. */
function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    const { code, name, errors } = current as { code?: unknown; name?: unknown; errors?: unknown[] };
    if (typeof code === 'string') return code;
    if (name === 'TimeoutError') return name;
    if (Array.isArray(errors) && errors.length) return errorCode(errors[0]);
  }
  return undefined;
}

function innermost(error: unknown): Error {
  let current = error as Error;
  while ((current as { cause?: unknown }).cause instanceof Error) current = (current as { cause: Error }).cause;
  return current instanceof Error ? current : new Error(String(error));
}
