import { HttpException, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { INVALID_API_KEY, MALFORMED_API_KEY } from '../../api-keys/api-key-check.js';
import { TooManyRequestsException } from '../../common/too-many-requests.exception.js';
import type { Principal } from '../../rights/principal.js';
import { SESSION_ENDED } from '../login/token-payload.js';
import { USER_DISABLED } from './principal-builder.js';
import { refusalClass, VERIFICATION_METHODS, VERIFICATION_OUTCOMES, VerificationMetrics } from './verification-metrics.js';

const counted = (sut: VerificationMetrics) =>
  VERIFICATION_METHODS.flatMap((method, m) =>
    VERIFICATION_OUTCOMES.flatMap((outcome, o) => (sut.counts[m * VERIFICATION_OUTCOMES.length + o] ? [`${method} ${outcome} ${sut.counts[m * VERIFICATION_OUTCOMES.length + o]}`] : [])),
  );

describe('refusalClass', () => {
  it.each<[string, string, string]>([
    [MALFORMED_API_KEY, 'apiKey', 'refused_malformed'],
    [INVALID_API_KEY, 'apiKey', 'refused_invalid'],
    ['API key is disabled', 'apiKey', 'refused_disabled'],
    ['API key has expired', 'apiKey', 'refused_expired'],
    ["API key's owner is disabled", 'apiKey', 'refused_owner_disabled'],
    ['JWT has expired', 'jwt', 'refused_expired'],
    ['jwt malformed', 'jwt', 'refused_malformed'],
    ['invalid signature', 'jwt', 'refused_invalid'],
    [USER_DISABLED, 'jwt', 'refused_owner_disabled'],
    [SESSION_ENDED, 'jwt', 'refused_session_ended'],
    ['Authorization header sent more than once', 'none', 'refused_malformed'],
    ['X-Authorization header: unsupported scheme "Basic"', 'none', 'refused_malformed'],
    ['Authentication required: send "Authorization: Bearer <JWT or API key>"', 'none', 'refused_missing'],
  ])('%s → %s %s', (reason, method, outcome) => {
    expect(refusalClass(reason)).toEqual([method, outcome]);
  });
});

describe('VerificationMetrics', () => {
  it('counts each decision by its method and outcome, a 401 by its first reason', () => {
    const sut = new VerificationMetrics();
    const principal = { method: 'apiKey' } as Principal;
    expect(sut.count(principal, {})).toBe(principal);
    sut.count({ method: 'jwt' } as Principal, {});
    const refusal = new UnauthorizedException(`JWT has expired; ${INVALID_API_KEY}`);
    sut.count(refusal, {});
    sut.count(refusal, {});
    sut.count(new TooManyRequestsException('slow down', 5) as HttpException, { authorization: 'Bearer NNSXS.x.y' });
    sut.count(new ServiceUnavailableException('away'), { authorization: 'Bearer eyJ.a.b' });
    sut.count(new UnauthorizedException(SESSION_ENDED), {});
    sut.count(new UnauthorizedException(`${SESSION_ENDED}; ${INVALID_API_KEY}`), {});
    sut.countKey(null);
    sut.countKey(MALFORMED_API_KEY);
    expect(counted(sut)).toEqual([
      'jwt accepted 1',
      'jwt refused_expired 2',
      'jwt refused_session_ended 2',
      'jwt unavailable 1',
      'apiKey accepted 2',
      'apiKey refused_malformed 1',
      'apiKey rate_limited 1',
    ]);
  });
});
