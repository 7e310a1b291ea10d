import { ForbiddenException, HttpException, Injectable } from '@nestjs/common';
import { BlockList, isIP } from 'node:net';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { TooManyRequestsException } from '../../common/too-many-requests.exception.js';
import { RateLimiters } from '../../rate-limits/rate-limiters.js';
import type { KeyUseRestrictions, Principal } from '../../rights/principal.js';

/** The name of a key's quota policy in the RateLimit headers. */
const POLICY = '"key"';

/** A key used from an address it does not allow: 403 naming the reason. */
export class AddressNotAllowedException extends ForbiddenException {
  readonly reason = 'ADDRESS_NOT_ALLOWED';

  constructor(address: string) {
    super({ message: `This API key may not be used from ${address}`, reason: 'ADDRESS_NOT_ALLOWED' });
  }
}

/**
 * A key past its rate limit: 429 with Retry-After and the RateLimit-Policy / RateLimit headers of
 * draft-ietf-httpapi-ratelimit-headers-10 (`"key";q=<limit>;w=<window>`, `"key";r=0;t=<seconds>`).
 */
export class KeyRateLimitedException extends TooManyRequestsException {
  readonly reason = 'RATE_LIMITED';
  readonly responseHeaders: Record<string, string>;

  constructor({ limit, windowSeconds }: { limit: number; windowSeconds: number }, retryAfter: number) {
    super(`This API key is past its rate limit of ${limit} uses a ${windowSeconds} s window; retry in ${retryAfter} s`, retryAfter);
    this.responseHeaders = { 'RateLimit-Policy': `${POLICY};q=${limit};w=${windowSeconds}`, RateLimit: `${POLICY};r=0;t=${retryAfter}` };
    Object.assign(this.getResponse() as object, { reason: 'RATE_LIMITED' });
  }
}

export type RestrictionRefusal = AddressNotAllowedException | KeyRateLimitedException;

/**
 * Checks a key's restrictions once its credential has been accepted: the address first (a request
 * from elsewhere uses up nothing), then one use of its rate limit. A key without restrictions
 * (`principal.restrictions === null`) costs a comparison; one with only addresses, a BlockList
 * lookup; a rate limit, one Redis round trip (or a memory count without Redis).
 */
@Injectable()
export class KeyRestrictions {
  /** Built once per key entry: the cached principal keeps its restrictions object. */
  private readonly blockLists = new WeakMap<KeyUseRestrictions, BlockList>();
  /** One limiter per (limit, window): a key's count is in it under the key's id. */
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(private readonly rateLimiters: RateLimiters) {}

  /** Why the key may not be used now, or undefined when it may (a promise only when a rate limit counts). */
  check(principal: Principal, address: string): RestrictionRefusal | undefined | Promise<RestrictionRefusal | undefined> {
    const restrictions = principal.restrictions;
    if (restrictions === null) return undefined;
    const refusal = this.addressRefusal(restrictions, address);
    if (refusal !== undefined || restrictions.rateLimit === null) return refusal;
    return this.use(principal.apiKeyId!, restrictions.rateLimit);
  }

  /** 403 unless the address is within the key's CIDRs (an IPv4-mapped IPv6 address counts as its IPv4 one). */
  addressRefusal(restrictions: KeyUseRestrictions, address: string): AddressNotAllowedException | undefined {
    if (restrictions.allowedCidrs === null) return undefined;
    let list = this.blockLists.get(restrictions);
    if (list === undefined) this.blockLists.set(restrictions, (list = blockListOf(restrictions.allowedCidrs)));
    const mapped = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(mapped);
    return family !== 0 && list.check(mapped, family === 4 ? 'ipv4' : 'ipv6') ? undefined : new AddressNotAllowedException(mapped);
  }

  /** Counts one use of the key; 429 past its limit. */
  async use(keyId: string, rateLimit: { limit: number; windowSeconds: number }): Promise<KeyRateLimitedException | undefined> {
    const id = `${rateLimit.limit}/${rateLimit.windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (limiter === undefined) {
      // the window is in the name: a key whose window changes starts a new count
      limiter = this.rateLimiters.create(`key:${rateLimit.windowSeconds}:`, rateLimit.limit, rateLimit.windowSeconds);
      this.limiters.set(id, limiter);
    }
    const counted = await this.rateLimiters.count(limiter, keyId);
    return counted.allowed ? undefined : new KeyRateLimitedException(rateLimit, counted.resetSeconds);
  }
}

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, prefix] = cidr.split('/') as [string, string];
    list.addSubnet(network, Number(prefix), isIP(network) === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** Whether an HTTP refusal is one of the restrictions'. */
export function isRestrictionRefusal(error: HttpException): error is RestrictionRefusal {
  return error instanceof AddressNotAllowedException || error instanceof KeyRateLimitedException;
}
