import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { REDACTED, redactSecrets } from '../common/redact.js';
import type { AppConfig } from '../config/app-config.js';
import { NestPinoLogger } from './nest-pino-logger.js';
import { RequestObserver } from './request-observer.js';

/**
 * keygate's logging, made once per app: the pino logger, Nest's logger over it, and the
 * RequestObserver that times requests and, with LOG_REQUESTS, logs them.
 */
export function createLogging(config: Pick<AppConfig, 'LOG_LEVEL' | 'LOG_REQUESTS'>, destination?: DestinationStream) {
  const logger = createLogger(config.LOG_LEVEL, destination);
  return {
    logger,
    nestLogger: new NestPinoLogger(logger),
    requests: new RequestObserver(config.LOG_REQUESTS ? logger.child({ context: 'Request' }) : undefined),
  };
}

/** LOG_LEVEL's words (Nest's, plus pino's own) as pino's levels. */
const PINO_LEVELS: Record<string, pino.LevelWithSilent> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  info: 'info',
  debug: 'debug',
  verbose: 'trace',
  trace: 'trace',
};

/** Where a credential can sit in what is logged: headers, wherever they appear, and the usual names of secrets. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-authorization"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-authorization"]',
  'headers.cookie',
  'authorization',
  '["x-authorization"]',
  'password',
  'token',
  'refreshToken',
  'key',
  'secret',
];

/**
 * keygate's one logger: pino (Fastify's logger), JSON lines, for every Nest Logger through
 * NestPinoLogger and for the request log. Credential headers are removed by pino's `redact`;
 * anything shaped like a key or a JWT in a message, a string field, an error or a request's URL is
 * redacted by keygate's rule (common/redact.ts), which keeps a key's public id and drops its secret.
 */
export function createLogger(level: string, destination: DestinationStream = pino.destination({ dest: 1, sync: true })): Logger {
  const options: LoggerOptions = {
    level: PINO_LEVELS[level] ?? 'info',
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    formatters: {
      level: (label) => ({ level: label }),
      log: redactFields,
    },
    serializers: {
      err: (error: unknown) => redactFields(pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>),
      // a request logged whole: method, URL (which may hold a pasted key) and address, never its headers
      req: (request: { method?: string; url?: string; ip?: string }) => ({ method: request.method, url: redactSecrets(request.url ?? ''), remoteAddress: request.ip }),
    },
    hooks: {
      // the message, whichever argument carries it; pino formats %s and the like after this
      logMethod(args, method) {
        for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = redactSecrets(args[i] as string);
        return method.apply(this, args as Parameters<typeof method>);
      },
    },
  };
  return pino(options, destination);
}

/** The object with each string field (a path, a message, a stack) redacted; other fields as they are. */
function redactFields(object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(object)) {
    if (typeof value !== 'string') continue;
    const redacted = redactSecrets(value);
    if (redacted !== value) (copy ??= { ...object })[name] = redacted;
  }
  return copy ?? object;
}
