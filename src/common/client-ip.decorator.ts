import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** The caller's address (from X-Forwarded-For only when TRUST_PROXY is on), for the audit trail. */
export const ClientIp = createParamDecorator((_: unknown, context: ExecutionContext): string =>
  context.switchToHttp().getRequest<FastifyRequest>().ip,
);
