import { BadRequestException, ForbiddenException, HttpException, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { clientAddress } from '../../common/client-ip.decorator.js';
import type { AccessPolicy, RouteRule } from '../../rights/access-policy.js';
import type { Principal } from '../../rights/principal.js';
import { ACCESS_POLICY } from '../../rights/rights.module.js';
import { MissingRightException } from '../authorization.guard.js';
import { Authenticator } from '../verify/authenticator.js';
import { KeyRestrictions, type RestrictionRefusal } from '../verify/key-restrictions.js';
import { matchRoute, pathSegments, UnusableUri } from './route-matcher.js';

/** Where forward authentication is served; Envoy's ext_authz appends the original path to it. */
export const FORWARD_AUTH_PATH = '/api/forward-auth';

/** What the gateway is told: allowed with the caller's identity headers, or refused. */
export type ForwardDecision = { allowed: true; headers: Record<string, string> } | { allowed: false; refusal: HttpException; nginx: boolean };

const PUBLIC_ROUTE: ForwardDecision = { allowed: true, headers: {} };
const MAX_REMEMBERED_DECISIONS = 10_000;

const NO_ORIGINAL_REQUEST =
  'Forward authentication needs the original request: X-Forwarded-Method and X-Forwarded-Uri (Traefik, Caddy), ' +
  'X-Original-Method and X-Original-URI (nginx), or the original path after /api/forward-auth (Envoy)';

/** The original request a gateway asks about. */
interface OriginalRequest {
  method: string;
  uri: string;
  /** nginx's style: its auth_request turns any refusal but 401 and 403 into a 500. */
  nginx: boolean;
}

/**
 * Decides for a gateway (nginx auth_request, Traefik ForwardAuth, Caddy forward_auth, Envoy
 * ext_authz) whether a request to the platform may pass: the access policy's first matching route
 * says which right it needs (no route: denied), and the original request's credentials are
 * decided exactly as on keygate's own routes (the Authenticator, JWT first, from memory).
 */
@Injectable()
export class ForwardAuth {
  /** Identity headers per caller: a remembered key or JWT keeps its Principal, so they are built once. */
  private readonly identities = new WeakMap<Principal, Record<string, string>>();
  /** The rule for a method and path, as gateways ask about the same few routes again and again. */
  private readonly decisions = new Map<string, RouteRule | null>();

  constructor(
    @Inject(ACCESS_POLICY) private readonly policy: AccessPolicy,
    private readonly authenticator: Authenticator,
    private readonly restrictions: KeyRestrictions,
  ) {}

  decide(request: FastifyRequest): ForwardDecision | Promise<ForwardDecision> {
    let original: OriginalRequest;
    let rule: RouteRule | undefined;
    try {
      original = originalRequest(request.headers, request.raw.rawHeaders, request.method, request.url);
      rule = this.ruleFor(original);
    } catch (error) {
      if (error instanceof UnusableUri || error instanceof BadRequestException) {
        return { allowed: false, refusal: error instanceof BadRequestException ? error : new BadRequestException(error.message), nginx: request.headers['x-original-uri'] !== undefined };
      }
      throw error;
    }
    if (rule === undefined) return { allowed: false, refusal: new ForbiddenException(`No access rule allows ${original.method} ${original.uri.split('?')[0]}: denied by default`), nginx: original.nginx };
    if (rule.public) return PUBLIC_ROUTE;
    // the original client's address (X-Forwarded-For from a trusted gateway): what a key's allowedCidrs are checked against
    const address = clientAddress(request);
    const decided = this.authenticator.decide(request, address);
    if (decided instanceof Promise) return decided.then((d) => this.settle(d, rule, original.nginx, address));
    return this.settle(decided, rule, original.nginx, address);
  }

  private ruleFor({ method, uri }: OriginalRequest): RouteRule | undefined {
    const query = uri.indexOf('?');
    const id = `${method} ${query === -1 ? uri : uri.slice(0, query)}`;
    let rule = this.decisions.get(id);
    if (rule === undefined) {
      rule = matchRoute(this.policy.routes, method, pathSegments(uri)) ?? null;
      if (this.decisions.size >= MAX_REMEMBERED_DECISIONS) this.decisions.clear();
      this.decisions.set(id, rule);
    }
    return rule ?? undefined;
  }

  /** The caller must hold the route's right, then keep to its key's restrictions (a refused request uses up no rate limit). */
  private settle(decided: Principal | HttpException, rule: RouteRule, nginx: boolean, address: string): ForwardDecision | Promise<ForwardDecision> {
    if (decided instanceof HttpException) return { allowed: false, refusal: decided, nginx };
    if (!decided.rights.has(rule.right!)) return { allowed: false, refusal: new MissingRightException(rule.right!), nginx };
    const refused = decided.restrictions === null ? undefined : this.restrictions.check(decided, address);
    if (refused instanceof Promise) return refused.then((r) => this.allowUnless(decided, r, nginx));
    return this.allowUnless(decided, refused, nginx);
  }

  private allowUnless(principal: Principal, refusal: RestrictionRefusal | undefined, nginx: boolean): ForwardDecision {
    return refusal === undefined ? { allowed: true, headers: this.identityHeaders(principal) } : { allowed: false, refusal, nginx };
  }

  /** Who is calling, for the gateway to pass upstream. */
  private identityHeaders(principal: Principal): Record<string, string> {
    let headers = this.identities.get(principal);
    if (headers === undefined) {
      headers = {
        'x-keygate-owner-type': principal.ownerType,
        'x-keygate-owner-id': principal.userId,
        'x-keygate-tenant-id': principal.tenantId ?? '',
        'x-keygate-customer-id': principal.customerId ?? '',
        'x-keygate-rights': [...principal.rights].sort().join(','),
      };
      if (principal.apiKeyId !== null) headers['x-keygate-key-id'] = principal.apiKeyId;
      this.identities.set(principal, headers);
    }
    return headers;
  }
}

/**
 * The method and URI of the request the gateway asks about, from the headers of its style or, for
 * Envoy, this request's own method and the path after /api/forward-auth. Styles that disagree, or a
 * header sent twice, are refused: a gateway and keygate must not read two different requests.
 */
function originalRequest(headers: IncomingHttpHeaders, rawHeaders: readonly string[], ownMethod: string, url: string): OriginalRequest {
  const repeated = repeatedOriginalHeader(rawHeaders);
  if (repeated !== undefined) throw new BadRequestException(`${repeated} was sent more than once: send it once`);
  const styles: OriginalRequest[] = [];
  const nginx = fromHeaders(headers, 'x-original-method', 'x-original-uri');
  if (nginx) styles.push({ ...nginx, nginx: true });
  const forwarded = fromHeaders(headers, 'x-forwarded-method', 'x-forwarded-uri');
  if (forwarded) styles.push({ ...forwarded, nginx: false });
  const rest = url.slice(FORWARD_AUTH_PATH.length);
  if (styles.length === 0 && rest.startsWith('/')) return { method: ownMethod, uri: rest, nginx: false };
  if (styles.length === 0) throw new BadRequestException(NO_ORIGINAL_REQUEST);
  if (styles.length === 2 && (styles[0]!.method !== styles[1]!.method || styles[0]!.uri !== styles[1]!.uri)) {
    throw new BadRequestException('X-Original-Method/X-Original-URI and X-Forwarded-Method/X-Forwarded-Uri name different requests');
  }
  return styles[0]!;
}

/** The headers that name the original request, by the length of their name (a raw name is lowered only when its length is one of these). */
const ORIGINAL_HEADERS = new Map([
  [14, 'X-Original-URI'],
  [15, 'X-Forwarded-Uri'],
  [17, 'X-Original-Method'],
  [18, 'X-Forwarded-Method'],
]);

/**
 * The header naming the original request that came more than once, from Node's raw header list;
 * undefined when none did. Node joins repeated unknown headers with ", ", so `/a, /b` would be
 * one URI to the route matcher, and a gateway may have meant either: such a request is refused.
 */
function repeatedOriginalHeader(rawHeaders: readonly string[]): string | undefined {
  let seen: string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const header = ORIGINAL_HEADERS.get(rawHeaders[i]!.length);
    if (header === undefined || rawHeaders[i]!.toLowerCase() !== header.toLowerCase()) continue;
    if (seen?.includes(header)) return header;
    (seen ??= []).push(header);
  }
  return undefined;
}

function fromHeaders(headers: IncomingHttpHeaders, methodHeader: string, uriHeader: string): { method: string; uri: string } | undefined {
  const method = headers[methodHeader];
  const uri = headers[uriHeader];
  if (method === undefined && uri === undefined) return undefined;
  if (typeof method !== 'string' || typeof uri !== 'string' || method === '' || uri === '') {
    throw new BadRequestException(`Send both ${methodHeader} and ${uriHeader}, once each`);
  }
  if (!/^[A-Za-z]{1,20}$/.test(method)) throw new BadRequestException(`${methodHeader} must be an HTTP method such as GET`);
  return { method: method.toUpperCase(), uri };
}
