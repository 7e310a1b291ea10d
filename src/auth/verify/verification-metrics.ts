import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { refusalCode, type KeyRefusalCode } from '../../api-keys/api-key-check.js';
import { SESSION_ENDED } from '../login/token-payload.js';
import type { AuthenticationMethod, Principal } from '../../rights/principal.js';
import { readCredentials } from './credentials.js';
import { USER_DISABLED } from './principal-builder.js';

export const VERIFICATION_METHODS = ['jwt', 'apiKey', 'none'] as const;
export const VERIFICATION_OUTCOMES = [
  'accepted',
  'refused_malformed',
  'refused_invalid',
  'refused_disabled',
  'refused_expired',
  'refused_owner_disabled',
  'refused_session_ended',
  'refused_missing',
  'rate_limited',
  'unavailable',
] as const;
type Method = (typeof VERIFICATION_METHODS)[number];
type Outcome = (typeof VERIFICATION_OUTCOMES)[number];

const OUTCOMES = VERIFICATION_OUTCOMES.length;
const JWT = 0;
const API_KEY = 1;
const index = (method: Method, outcome: Outcome) => VERIFICATION_METHODS.indexOf(method) * OUTCOMES + VERIFICATION_OUTCOMES.indexOf(outcome);

const KEY_OUTCOMES: Record<KeyRefusalCode, Outcome> = {
  MALFORMED: 'refused_malformed',
  NOT_FOUND: 'refused_invalid',
  DISABLED: 'refused_disabled',
  EXPIRED: 'refused_expired',
  OWNER_DISABLED: 'refused_owner_disabled',
};

/**
 * How the Authenticator's decisions went, by the deciding credential's method and the outcome
 * (a refusal by the class of its first reason). Counted in plain numbers, an addition per
 * request with nothing allocated, and read by `GET /metrics` when scraped.
 */
@Injectable()
export class VerificationMetrics {
  /** `counts[method × outcomes + outcome]`, in the order of VERIFICATION_METHODS and VERIFICATION_OUTCOMES. */
  readonly counts = new Float64Array(VERIFICATION_METHODS.length * OUTCOMES);
  /** A refusal's message (the few there are, each one exception answered again and again) → its slot. */
  private readonly refusals = new Map<string, number>();

  /** Counts a decision on a request's credentials and hands it back. */
  count<T extends Principal | HttpException>(decided: T, headers: IncomingHttpHeaders): T {
    if (!(decided instanceof HttpException)) {
      this.counts[(decided.method === 'jwt' ? JWT : API_KEY) * OUTCOMES]!++;
      return decided;
    }
    const status = decided.getStatus();
    if (status === HttpStatus.UNAUTHORIZED) this.counts[this.refusalSlot(decided.message)]!++;
    else this.counts[index(presentedMethod(headers), status === HttpStatus.TOO_MANY_REQUESTS ? 'rate_limited' : 'unavailable')]!++;
    return decided;
  }

  /** Counts a key checked for `POST /api/keys/verify`: accepted, or refused for `reason`. */
  countKey(reason: string | null): void {
    this.counts[reason === null ? API_KEY * OUTCOMES : index('apiKey', KEY_OUTCOMES[refusalCode(reason)])]!++;
  }

  private refusalSlot(message: string): number {
    let slot = this.refusals.get(message);
    if (slot === undefined) {
      // reasons are joined by "; ", which the session's own reason holds too
      const [method, outcome] = refusalClass(message.startsWith(SESSION_ENDED) ? SESSION_ENDED : message.split('; ', 1)[0]!);
      slot = index(method, outcome);
      if (this.refusals.size < 256) this.refusals.set(message, slot);
    }
    return slot;
  }
}

/** The method and outcome of a 401's first reason: keys' reasons name the API key; JWTs' are the rest. */
export function refusalClass(reason: string): [Method, Outcome] {
  if (reason.startsWith('Authentication required')) return ['none', 'refused_missing'];
  if (/ header\b/.test(reason)) return ['none', 'refused_malformed'];
  if (reason.includes('API key')) return ['apiKey', KEY_OUTCOMES[refusalCode(reason)]];
  if (reason === USER_DISABLED) return ['jwt', 'refused_owner_disabled'];
  if (reason === SESSION_ENDED) return ['jwt', 'refused_session_ended'];
  if (/expired/i.test(reason)) return ['jwt', 'refused_expired'];
  if (/malformed/i.test(reason)) return ['jwt', 'refused_malformed'];
  return ['jwt', 'refused_invalid'];
}

/** The method of a request refused as a whole (429, 503): its JWT if it sent one, else its key. */
function presentedMethod(headers: IncomingHttpHeaders): AuthenticationMethod | 'none' {
  const { jwts, apiKeys } = readCredentials(headers);
  return jwts.length ? 'jwt' : apiKeys.length ? 'apiKey' : 'none';
}
