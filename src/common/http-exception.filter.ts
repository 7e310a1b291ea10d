import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-errors.js';
import { DomainError, type DomainErrorKind } from './domain-error.js';
import { redactSecrets } from './redact.js';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errors?: string[];
  [extra: string]: unknown;
}

interface ErrorReply {
  statusCode: number;
  json: string;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The one place a domain error's kind becomes an HTTP status (docs/errors.md lists the errors of each). */
const STATUS_OF: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  // with `retryAfterSeconds` on the error, sent as Retry-After too
  'too-many': 429,
};

/** PostgreSQL error codes that are the caller's fault, or the database's absence. */
const PG_ERRORS: Record<string, [number, string]> = {
  '23505': [409, 'The value is already taken'],
  '23503': [409, 'A referenced record does not exist'],
  '22P02': [400, 'A value has the wrong format'],
  '22001': [400, 'A value is too long'],
  '22021': [400, 'A value holds a character that cannot be stored (NUL)'],
  '22P05': [400, 'A value holds a character that cannot be stored'],
  '22003': [400, 'A number is out of range'],
  '22007': [400, 'A date or time has the wrong format'],
  '22008': [400, 'A date or time is out of range'],
};

/** Fastify says only "Unsupported Media Type": what to send instead helps more. */
const UNSUPPORTED_MEDIA_TYPE = 'Unsupported Media Type: send the body as JSON, with Content-Type: application/json';

/** Replies to exceptions thrown again and again (the authenticator's 401s), serialised once each. */
const replies = new WeakMap<object, ErrorReply>();
const logger = new Logger('HttpExceptionFilter');

/**
 * Every error leaves as `{statusCode, error, message, ...extra}` JSON, `message` always one string.
 * A refusal of invalid input (class-validator's list, a domain error of kind `invalid`) also lists
 * each problem in `errors: string[]`, and its `message` is them joined by "; ". Domain errors get
 * their status from their kind (STATUS_OF) and their extra fields (`missingRights`) from the error;
 * HTTP exceptions keep theirs. Anything unexpected is logged here with its stack and answered with a
 * plain 500, never a stack trace. A key or JWT that a message echoes (a 404 repeats the path a key
 * was pasted into) is redacted. The rule, the kinds and the errors: docs/errors.md.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    sendError(host.switchToHttp().getResponse<FastifyReply>(), exception);
  }
}

/** Answers with the JSON error for `exception`: the filter's way, and the authentication hook's. */
export function sendError(reply: FastifyReply, exception: unknown): void {
  const { statusCode, json } = errorReply(exception);
  if (reply.sent) return;
  const retryAfter = retryAfterOf(exception, statusCode);
  if (retryAfter !== undefined) void reply.header('Retry-After', String(retryAfter));
  const headers = responseHeadersOf(exception);
  if (headers !== undefined) void reply.headers(headers);
  void reply.status(statusCode).header('content-type', 'application/json; charset=utf-8').send(json);
}

/** How long a client should wait before trying again after a 503: a database restart or failover takes seconds. */
const RETRY_AFTER_UNAVAILABLE_SECONDS = 5;

/** The `Retry-After` seconds for an answer: the exception's own (429s), or a few seconds for a 503. */
export function retryAfterOf(exception: unknown, statusCode: number): number | undefined {
  const retryAfter = (exception as { retryAfterSeconds?: unknown })?.retryAfterSeconds;
  if (typeof retryAfter === 'number') return retryAfter;
  return statusCode === 503 ? RETRY_AFTER_UNAVAILABLE_SECONDS : undefined;
}

/** Headers an exception asks its answer to carry (a rate limit's RateLimit-Policy and RateLimit). */
export function responseHeadersOf(exception: unknown): Record<string, string> | undefined {
  const headers = (exception as { responseHeaders?: unknown })?.responseHeaders;
  return typeof headers === 'object' && headers !== null ? (headers as Record<string, string>) : undefined;
}

/** The status and JSON body answering `exception`; an unexpected one is logged with its stack first. */
export function errorReply(exception: unknown): ErrorReply {
  const reply = describeError(exception);
  if (reply.statusCode >= 500 && reply.statusCode !== 503) {
    logger.error(redactSecrets(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)));
  }
  return reply;
}

function describeError(exception: unknown): ErrorReply {
  let known = exception instanceof HttpException ? replies.get(exception) : undefined;
  if (!known) {
    const body = toBody(exception);
    known = { statusCode: body.statusCode, json: JSON.stringify(body) };
    if (exception instanceof HttpException) replies.set(exception, known);
  }
  return known;
}

function toBody(exception: unknown): ErrorBody {
  const status = exception instanceof HttpException ? exception.getStatus() : (exception as { statusCode?: unknown })?.statusCode;
  if (status === 415) return errorBody(415, REASONS[415]!, UNSUPPORTED_MEDIA_TYPE);
  if (exception instanceof DomainError) {
    const status = STATUS_OF[exception.kind];
    return errorBody(status, REASONS[status]!, exception.kind === 'invalid' ? [exception.message] : exception.message, exception.extra);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'object' && response !== null) {
      const { statusCode: _s, error, message, ...extra } = response as Record<string, unknown>;
      return errorBody(status, (typeof error === 'string' ? error : undefined) ?? REASONS[status] ?? 'Error', message ?? exception.message, extra);
    }
    return errorBody(status, REASONS[status] ?? 'Error', String(response));
  }
  if (exception instanceof QueryFailedError) {
    const code = (exception.driverError as { code?: string } | undefined)?.code ?? '';
    const known = PG_ERRORS[code];
    if (known) return errorBody(known[0], REASONS[known[0]]!, known[1]);
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own errors: malformed JSON, wrong content type, body too large ...
    return errorBody(status, REASONS[status] ?? 'Bad Request', (exception as Error).message);
  }
  if (isDatabaseUnavailable(exception)) {
    return errorBody(HttpStatus.SERVICE_UNAVAILABLE, REASONS[503]!, 'The database is unavailable; try again shortly');
  }
  return errorBody(500, REASONS[500]!, 'Internal server error');
}

/**
 * The body, its message one string: a list of problems is joined, and kept whole in `errors`. Any
 * key or JWT in the message is redacted (a thrower may have put anything in it).
 */
function errorBody(statusCode: number, error: string, message: unknown, extra: Readonly<Record<string, unknown>> = {}): ErrorBody {
  if (!Array.isArray(message)) return { statusCode, error, message: redactSecrets(String(message)), ...extra };
  const errors = message.map((problem: unknown) => redactSecrets(String(problem)));
  return { statusCode, error, message: errors.join('; '), errors, ...extra };
}
