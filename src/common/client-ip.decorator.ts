import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The caller's address, for the audit trail and the login limits: the socket's, or with TRUST_PROXY
 * the first address, going back from the socket through X-Forwarded-For, that is not a trusted
 * proxy (src/config/trust-proxy.ts).
 */
export const ClientIp = createParamDecorator((_: unknown, context: ExecutionContext): string =>
  context.switchToHttp().getRequest<FastifyRequest>().ip,
);
