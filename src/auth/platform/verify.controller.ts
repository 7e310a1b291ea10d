import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { refusalCode } from '../../api-keys/api-key-check.js';
import { ClientIp } from '../../common/client-ip.decorator.js';
import type { Principal } from '../../rights/principal.js';
import { Right } from '../../rights/right.js';
import { assertKnownRights, missingRights, RightsCatalog } from '../../rights/rights-catalog.js';
import { CurrentPrincipal, RequireRights } from '../../rights/route-rights.decorator.js';
import { Authenticator, type KeySubject } from '../verify/authenticator.js';
import { VerifyCode, VerifyKeyDto, VerifyKeyResultDto } from './verify-key.dto.js';

const NOT_FOUND: VerifyKeyResultDto = { valid: false, code: VerifyCode.NOT_FOUND };

@ApiTags('platform')
@Controller('keys')
export class VerifyController {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly catalog: RightsCatalog,
  ) {}

  /**
   * Verifies a key a client presented to another service: 200 for every well-formed request,
   * `valid` and `code` saying what keygate decided. A caller in a tenant verifies only its
   * tenant's keys (any other is NOT_FOUND); a system administrator or system-level account, every key.
   */
  @Post('verify')
  @HttpCode(200)
  @RequireRights(Right.KEYS_VERIFY)
  async verify(@CurrentPrincipal() caller: Principal, @Body() dto: VerifyKeyDto, @ClientIp() clientIp: string): Promise<VerifyKeyResultDto> {
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
    const lacking = missingRights(subject!.principal.rights, this.catalog.expand(required));
    if (lacking.length) return { ...describe(subject!), valid: false, code: VerifyCode.INSUFFICIENT_RIGHTS, missingRights: lacking };
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
    rights: [...principal.rights].sort(),
    expiresAt: expiresAtMs === null ? null : new Date(expiresAtMs),
  };
}
