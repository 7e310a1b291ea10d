import { BadRequestException, Injectable } from '@nestjs/common';
import { isIP } from 'node:net';
import { refusalCode } from '../../api-keys/api-key-check.js';
import type { Principal } from '../../rights/principal.js';
import { RIGHT_NAME } from '../../rights/right.js';
import { assertKnownRights, missingRights, RightsCatalog } from '../../rights/rights-catalog.js';
import { Authenticator, type KeySubject } from '../verify/authenticator.js';
import { KeyRestrictions } from '../verify/key-restrictions.js';
import { VerifyCode, type VerifyKeyDto, type VerifyKeyResultDto } from './verify-key.dto.js';

const NOT_FOUND: VerifyKeyResultDto = { valid: false, code: VerifyCode.NOT_FOUND };
/** Sorted rights per rights set: sets are shared per (owner, key rights), so this stays small. */
const sortedRights = new WeakMap<ReadonlySet<string>, string[]>();

/**
 * Verifies a key a client presented to another service: `valid` and `code` say what keygate decided.
 * A caller in a tenant verifies only its tenant's keys (any other is NOT_FOUND); a system
 * administrator or system-level account, every key.
 */
@Injectable()
export class KeyVerifier {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly catalog: RightsCatalog,
    private readonly restrictions: KeyRestrictions,
  ) {}

  /**
   * `clientIp` is the address of the service calling verify: a key restricted to addresses is checked
   * against the body's `address` (the end client as that service saw it), or else against it.
   */
  async verify(caller: Principal, body: unknown, clientIp: string): Promise<VerifyKeyResultDto> {
    const dto = verifyRequest(body);
    const required = dto.rights ?? [];
    assertKnownRights(this.catalog, required);
    const outcome = await this.authenticator.checkKey(dto.key, clientIp);
    const subject = outcome.subject;
    if (subject && !visibleTo(caller, subject)) return NOT_FOUND;
    if (!outcome.ok) {
      const code = refusalCode(outcome.reason);
      if (code === 'MALFORMED' || code === 'NOT_FOUND' || !subject) return { valid: false, code: code as VerifyCode };
      if (outcome.retryAfter) return { ...describe(subject), valid: false, code: VerifyCode.RATE_LIMITED, retryAfter: outcome.retryAfter };
      return { ...describe(subject), valid: false, code: code as VerifyCode };
    }
    const { principal } = subject!;
    const restrictions = principal.restrictions;
    // the address first, the rights, and only then a use of the rate limit: a refused request uses up nothing
    if (restrictions?.allowedCidrs && this.restrictions.addressRefusal(restrictions, dto.address ?? clientIp)) {
      return { ...describe(subject!), valid: false, code: VerifyCode.ADDRESS_NOT_ALLOWED };
    }
    const lacking = missingRights(principal.rights, this.catalog.expand(required));
    if (lacking.length) return { ...describe(subject!), valid: false, code: VerifyCode.INSUFFICIENT_RIGHTS, missingRights: lacking };
    if (restrictions?.rateLimit) {
      const limited = await this.restrictions.use(principal.apiKeyId!, restrictions.rateLimit);
      if (limited) return { ...describe(subject!), valid: false, code: VerifyCode.RATE_LIMITED, retryAfter: limited.retryAfterSeconds };
    }
    return { ...describe(subject!), valid: true, code: VerifyCode.VALID };
  }
}

/** A caller in a tenant sees its tenant's keys only; a system-level caller sees every key. */
function visibleTo(caller: Principal, { principal }: KeySubject): boolean {
  return caller.tenantId === null || caller.tenantId === principal.tenantId;
}

function describe({ principal, expiresAtMs }: KeySubject): Omit<VerifyKeyResultDto, 'valid' | 'code'> {
  return {
    keyId: principal.apiKeyId!,
    owner: { type: principal.ownerType, id: principal.userId, tenantId: principal.tenantId, customerId: principal.customerId },
    rights: sorted(principal.rights),
    expiresAt: expiresAtMs === null ? null : new Date(expiresAtMs),
    metadata: principal.metadata,
  };
}

const MAX_KEY_LENGTH = 1000;
const MAX_RIGHTS = 100;

/**
 * The request, checked by hand: the ValidationPipe's class-validator pass cost this route about 70 %
 * of its throughput (docs/performance.md), and `{key, rights?}` is two fields. The rules are
 * VerifyKeyDto's, which documents them.
 */
export function verifyRequest(body: unknown): VerifyKeyDto {
  const problems: string[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestException(['the body must be a JSON object {key, rights?, address?}']);
  const { key, rights, address, ...rest } = body as Record<string, unknown>;
  for (const name of Object.keys(rest)) problems.push(`property ${name} should not exist`);
  if (typeof key !== 'string') problems.push('key must be a string');
  else if (key.length > MAX_KEY_LENGTH) problems.push(`key must be shorter than or equal to ${MAX_KEY_LENGTH} characters`);
  if (rights !== undefined) {
    if (!Array.isArray(rights)) problems.push('rights must be an array');
    else {
      if (rights.length > MAX_RIGHTS) problems.push(`rights must contain no more than ${MAX_RIGHTS} elements`);
      if (rights.some((r) => typeof r !== 'string' || !RIGHT_NAME.test(r))) problems.push(`each value in rights must match ${RIGHT_NAME.source}`);
      if (new Set(rights).size !== rights.length) problems.push("All rights's elements must be unique");
    }
  }
  if (address !== undefined && (typeof address !== 'string' || isIP(address) === 0)) problems.push('address must be an ip address');
  if (problems.length) throw new BadRequestException(problems);
  return { key: key as string, rights: rights as string[] | undefined, address: address as string | undefined };
}

function sorted(rights: ReadonlySet<string>): string[] {
  let list = sortedRights.get(rights);
  if (list === undefined) sortedRights.set(rights, (list = [...rights].sort()));
  return list;
}
