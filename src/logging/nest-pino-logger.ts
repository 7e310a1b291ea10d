import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's logger as JSON lines on keygate's pino (the one Fastify logs with): every
 * `new Logger('Context').log(…)` in the code, and Nest's own lines, become
 * `{"level":"info","context":"Context","msg":"…"}`. `error(message, stack, context)` keeps the
 * stack as `err.stack`; an Error passed as the message is logged whole. pino decides the level.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params, true);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params, true);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[], withStack = false): void {
    if (!this.logger.isLevelEnabled(level)) return;
    // Nest's Logger passes its context last; `error` passes the stack (or undefined) before it
    const context = params.length > 0 && typeof params.at(-1) === 'string' ? (params.pop() as string) : undefined;
    const stack = withStack && (typeof params[0] === 'string' || params[0] === undefined) ? (params.shift() as string | undefined) : undefined;
    const fields: Record<string, unknown> = {};
    if (context !== undefined) fields.context = context;
    if (message instanceof Error) {
      fields.err = message;
      this.logger[level](fields, message.message);
      return;
    }
    if (stack !== undefined) fields.err = { stack };
    if (params.length > 0) fields.details = params;
    if (typeof message === 'string') this.logger[level](fields, message);
    else this.logger[level]({ ...fields, details: message }, typeof message === 'object' ? '' : String(message));
  }
}
