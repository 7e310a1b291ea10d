import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-errors.js';
import { redactSecrets } from './redact.js';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
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

/** Replies to exceptions thrown again and again (the authenticator's 401s), serialised once each. */
const replies = new WeakMap<object, ErrorReply>();
const logger = new Logger('HttpExceptionFilter');

/**
 * Every error leaves as `{statusCode, error, message}` JSON. Client errors say what was wrong;
 * anything unexpected is logged here and answered with a plain 500, never a stack trace. A key or
 * JWT that a message echoes (a 404 repeats the path a key was pasted into) is redacted.
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
  if (statusCode >= 500 && statusCode !== 503) {
    logger.error(redactSecrets(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)));
  }
  if (reply.sent) return;
  const retryAfter = (exception as { retryAfterSeconds?: unknown })?.retryAfterSeconds;
  if (typeof retryAfter === 'number') void reply.header('Retry-After', String(retryAfter));
  void reply.status(statusCode).header('content-type', 'application/json; charset=utf-8').send(json);
}

function errorReply(exception: unknown): ErrorReply {
  let known = exception instanceof HttpException ? replies.get(exception) : undefined;
  if (!known) {
    const body = toBody(exception);
    body.message = redactMessage(body.message);
    known = { statusCode: body.statusCode, json: JSON.stringify(body) };
    if (exception instanceof HttpException) replies.set(exception, known);
  }
  return known;
}

/** A message's strings with any key or JWT redacted (a thrower may have put anything in it). */
function redactMessage(message: unknown): string | string[] {
  if (typeof message === 'string') return redactSecrets(message);
  if (Array.isArray(message)) return message.map((line: unknown) => (typeof line === 'string' ? redactSecrets(line) : line)) as string[];
  return message as string;
}

function toBody(exception: unknown): ErrorBody {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'object' && response !== null) {
      const { statusCode: _s, error, message, ...extra } = response as Record<string, unknown>;
      return {
        statusCode: status,
        error: (typeof error === 'string' ? error : undefined) ?? REASONS[status] ?? 'Error',
        message: (message as string | string[]) ?? exception.message,
        ...extra,
      };
    }
    return { statusCode: status, error: REASONS[status] ?? 'Error', message: String(response) };
  }
  if (exception instanceof QueryFailedError) {
    const code = (exception.driverError as { code?: string } | undefined)?.code ?? '';
    const known = PG_ERRORS[code];
    if (known) return { statusCode: known[0], error: REASONS[known[0]]!, message: known[1] };
  }
  const status = (exception as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own errors: malformed JSON, wrong content type, body too large ...
    return { statusCode: status, error: REASONS[status] ?? 'Bad Request', message: (exception as Error).message };
  }
  if (isDatabaseUnavailable(exception)) {
    return { statusCode: HttpStatus.SERVICE_UNAVAILABLE, error: REASONS[503]!, message: 'The database is unavailable; try again shortly' };
  }
  return { statusCode: 500, error: REASONS[500]!, message: 'Internal server error' };
}
