import { All, Controller, ForbiddenException } from '@nestjs/common';
import { ApiForbiddenResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ForwardAuthRoute } from '../../rights/route-rights.decorator.js';

const IDENTITY = {
  'X-Keygate-Owner-Type': { description: '`user` or `serviceAccount`', schema: { type: 'string' } },
  'X-Keygate-Owner-Id': { description: "The owner's id", schema: { type: 'string' } },
  'X-Keygate-Tenant-Id': { description: "The owner's tenant, empty when none", schema: { type: 'string' } },
  'X-Keygate-Customer-Id': { description: "The owner's customer, empty when none", schema: { type: 'string' } },
  'X-Keygate-Key-Id': { description: 'The key that decided (absent for a JWT)', schema: { type: 'string' } },
  'X-Keygate-Rights': { description: 'The effective rights, comma-separated', schema: { type: 'string' } },
};

/**
 * Forward authentication for gateways (nginx auth_request, Traefik ForwardAuth, Caddy forward_auth,
 * Envoy ext_authz). Every method; answered by the forward-authentication hook before this handler
 * (auth/platform/forward-auth-hook.ts), which is here for the route and its documentation.
 */
@ApiTags('platform')
@Controller('forward-auth')
@ForwardAuthRoute()
export class ForwardAuthController {
  /**
   * Whether the original request (`X-Forwarded-Method` + `X-Forwarded-Uri`, or `X-Original-Method` +
   * `X-Original-URI`) may reach the platform: the access policy's first matching route names the right
   * it needs; no route is 403. The original request's `Authorization` / `X-Authorization` decide who calls.
   */
  @All()
  @ApiOperation({ summary: 'Decide a request for a gateway' })
  @ApiHeader({ name: 'X-Forwarded-Method', required: false, description: 'The original method (Traefik, Caddy)' })
  @ApiHeader({ name: 'X-Forwarded-Uri', required: false, description: 'The original URI (Traefik, Caddy)' })
  @ApiHeader({ name: 'X-Original-Method', required: false, description: 'The original method (nginx)' })
  @ApiHeader({ name: 'X-Original-URI', required: false, description: 'The original URI (nginx)' })
  @ApiOkResponse({ description: 'Allowed: pass the request upstream with these headers', headers: IDENTITY })
  @ApiUnauthorizedResponse({ description: 'No valid credential' })
  @ApiForbiddenResponse({ description: 'The route needs a right the caller lacks, or no route allows it' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed checks (Retry-After)' })
  decide(): void {
    throw new ForbiddenException('Forward authentication is answered by its hook, which did not run');
  }

  /** Envoy's ext_authz: the original method, and the original path after /api/forward-auth. */
  @All('*')
  @ApiOperation({ summary: 'Decide a request for Envoy (original path appended)' })
  decideEnvoy(): void {
    throw new ForbiddenException('Forward authentication is answered by its hook, which did not run');
  }
}
