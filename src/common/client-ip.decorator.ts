import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isIP } from 'node:net';

/**
 * The caller's address, for the failure limits, the audit trail and the log: the socket's, or with
 * TRUST_PROXY the first address, going back from the socket through X-Forwarded-For, that is not a
 * trusted proxy (src/config/trust-proxy.ts). An entry that is no address at all (a client reaching
 * keygate past a hop-count proxy writes what it likes) counts as the socket's address.
 */
export function clientAddress(request: FastifyRequest): string {
  const ip = request.ip;
  return isIP(ip) !== 0 ? ip : (request.socket.remoteAddress ?? 'unknown');
}

export const ClientIp = createParamDecorator((_: unknown, context: ExecutionContext): string =>
  clientAddress(context.switchToHttp().getRequest<FastifyRequest>()),
);
