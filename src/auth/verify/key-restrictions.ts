import { ForbiddenException, Injectable } from '@nestjs/common';
import { BlockList, isIP } from 'node:net';
import { KeyRateLimitedException } from './key-rate-limited.exception.js';
import { KeyRateLimits } from './key-rate-limits.js';
import type { KeyUseRestrictions, Principal } from '../../rights/principal.js';

/** A key used from an address it does not allow: 403 naming the reason. */
export class AddressNotAllowedException extends ForbiddenException {
  readonly reason = 'ADDRESS_NOT_ALLOWED';

  constructor(address: string) {
    super({ message: `This API key may not be used from ${address}`, reason: 'ADDRESS_NOT_ALLOWED' });
  }
}

export type RestrictionRefusal = AddressNotAllowedException | KeyRateLimitedException;

/**
 * Checks a key's restrictions once its credential has been accepted: the address first (a request
 * from elsewhere uses up nothing), then one use of its rate limit. A key without restrictions
 * (`principal.restrictions === null`) costs a comparison; one with only addresses, a BlockList
 * lookup; a rate limit, a lease's countdown, and a Redis round trip per lease (KeyRateLimits).
 */
@Injectable()
export class KeyRestrictions {
  /** Built once per key entry: the cached principal keeps its restrictions object. */
  private readonly blockLists = new WeakMap<KeyUseRestrictions, BlockList>();

  constructor(private readonly rateLimits: KeyRateLimits) {}

  /** Why the key may not be used now, or undefined when it may (a promise only when a lease of its rate limit must be taken). */
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

  /** Counts one use of the key; 429 past its limit (synchronous while this instance holds a lease of its uses). */
  use(keyId: string, rateLimit: { limit: number; windowSeconds: number }): KeyRateLimitedException | undefined | Promise<KeyRateLimitedException | undefined> {
    return this.rateLimits.use(keyId, rateLimit);
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
