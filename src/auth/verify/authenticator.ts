import { HttpException, Injectable, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { INVALID_API_KEY, MALFORMED_API_KEY } from '../../api-keys/api-key-check.js';
import { parseApiKey, splitApiKey } from '../../api-keys/api-key-format.js';
import { ApiKeysService, type KeyVerification } from '../../api-keys/api-keys.service.js';
import { LastUsedRecorder } from '../../api-keys/last-used-recorder.js';
import { isDatabaseUnavailable } from '../../common/database-errors.js';
import { TooManyRequestsException } from '../../common/too-many-requests.exception.js';
import type { Principal } from '../../rights/principal.js';
import { RightsCatalog } from '../../rights/rights-catalog.js';
import { AuthCache, type CachedKey } from '../cache/auth-cache.js';
import { AuthFailures, type KeyFailure } from './auth-failures.js';
import { readCredentials, type Presented } from './credentials.js';
import { apiKeyPrincipal, jwtPrincipal, userRefusal } from './principal-builder.js';
import { runStrategy, type StrategyOutcome } from './run-strategy.js';
import { VerificationMetrics } from './verification-metrics.js';
import { CredentialStrategies } from './strategies/credential-strategies.js';
import type { JwtDecision } from './strategies/jwt.strategy.js';

/** An existing key as its check found it: the caller it makes, and until when it lives. */
export interface KeySubject {
  principal: Principal;
  expiresAtMs: number | null;
}

/** What checking one presented key decided: the key, or why not (with the key, when its id exists). */
export type KeyOutcome = { ok: true; subject: KeySubject } | { ok: false; reason: string; subject?: KeySubject };

/** A decision on one credential: who, or why not (for a key: `apiKey`, and which existing key it named). */
type Refusal = { reason: string; apiKey?: true; subject?: KeySubject };
type Decision = { principal: Principal } | Refusal;

/** A request as the authenticator reads it: its headers (the strategies read them too). */
export interface CredentialRequest {
  readonly headers: IncomingHttpHeaders;
}

const NOTHING_SENT = 'Authentication required: send "Authorization: Bearer <JWT or API key>" or "X-Authorization: ApiKey <key>"';
const DATABASE_AWAY = 'Credentials cannot be checked now: the database is unavailable; try again shortly';

/**
 * The one place that decides who is calling. A valid JWT decides, even beside a key; when no JWT
 * is valid, a valid key decides; when nothing valid is sent, 401 saying what was wrong.
 *
 * The Passport strategies verify a credential against the database; what they verified is kept
 * in the AuthCache, so a repeated credential is decided in memory (a map lookup and, for a key,
 * one SHA-256 of its secret) without a database read or Passport's per-call overhead, and synchronously, which
 * spares the request a promise. Failures count against the client address, or against the key when
 * they name one that exists (so behind a gateway one client's wrong keys refuse nobody else): past
 * the limit, a credential that memory cannot vouch for gets 429 without reaching the database. When the
 * database is away, a credential memory cannot vouch for gets 503: never accepted unchecked.
 */
@Injectable()
export class Authenticator {
  private readonly refusals = new Map<string, UnauthorizedException>();

  constructor(
    private readonly strategies: CredentialStrategies,
    private readonly apiKeys: ApiKeysService,
    private readonly lastUsed: LastUsedRecorder,
    private readonly cache: AuthCache,
    private readonly failures: AuthFailures,
    private readonly catalog: RightsCatalog,
    private readonly metrics: VerificationMetrics = new VerificationMetrics(),
  ) {}

  /**
   * Who is calling, or the 401, 429 or 503 that refuses the request: returned, not thrown, so
   * that a refusal costs no more than an acceptance (Nest's pipeline would throw it again at every
   * async frame it passes; the figures are in docs/performance.md).
   */
  decide(request: CredentialRequest, clientIp: string): Principal | HttpException | Promise<Principal | HttpException> {
    const decided = this.decideUncounted(request, clientIp);
    return decided instanceof Promise ? decided.then((d) => this.metrics.count(d, request.headers)) : this.metrics.count(decided, request.headers);
  }

  private decideUncounted(request: CredentialRequest, clientIp: string): Principal | HttpException | Promise<Principal | HttpException> {
    const { jwts, apiKeys, problems } = readCredentials(request.headers);
    // the common case: one credential, decided from memory
    if (jwts.length + apiKeys.length === 1 && problems.length === 0) {
      const known = jwts.length ? this.knownJwt(jwts[0]!.token) : keyDecision(this.knownKey(apiKeys[0]!.token));
      if (known && 'principal' in known) return known.principal;
      if (known) return this.refuse(clientIp, [known]);
    }
    return this.decideInOrder(request, jwts, apiKeys, problems, clientIp).catch(refusalOrThrow);
  }

  /**
   * One key, presented to `POST /api/keys/verify` by a service: decided as on keygate's own routes,
   * from memory or else the database, its use recorded and its failure counted against the key when
   * it exists (`retryAfter`: that key is past the failure limit). The caller's own address counts nothing.
   * The key is a field of the body, not a credential of the request, so no strategy reads it: the
   * database check the key strategies make is made directly.
   */
  async checkKey(presented: string, clientIp: string): Promise<KeyOutcome & { retryAfter?: number }> {
    const outcome = this.knownKey(presented) ?? (await this.verifyKey(presented, settled(this.apiKeys.verify(presented))));
    this.metrics.countKey(outcome.ok ? null : outcome.reason);
    if (outcome.ok) return outcome;
    const key = outcome.subject && keyFailure(outcome.subject);
    const retryAfter = key ? this.failures.blockedFor(clientIp, key) : 0;
    this.failures.record(clientIp, outcome.reason, { key, counted: key !== undefined });
    return retryAfter > 0 ? { ...outcome, retryAfter } : outcome;
  }

  private async decideInOrder(
    request: CredentialRequest,
    jwts: Presented[],
    apiKeys: Presented[],
    problems: string[],
    clientIp: string,
  ): Promise<Principal | HttpException> {
    const refused: Refusal[] = problems.map((reason) => ({ reason }));
    const blocked = this.failures.blockedFor(clientIp) > 0;
    for (const jwt of jwts) {
      const known = this.knownJwt(jwt.token);
      // a JWT that cannot be checked now must not let a key beside it decide who is calling
      if (!known && blocked) return this.refuse(clientIp, refused);
      const decision = known ?? (await this.verifyJwt(jwt.token, runStrategy(this.strategies.jwt[jwt.header], request)));
      if ('principal' in decision) return decision.principal;
      refused.push(decision);
    }
    for (const apiKey of apiKeys) {
      const known = this.knownKey(apiKey.token);
      const checked = known ?? (blocked ? undefined : await this.verifyKey(apiKey.token, runStrategy(this.strategies.apiKey[apiKey.header], request)));
      const decision = keyDecision(checked);
      if (decision && 'principal' in decision) return decision.principal;
      if (decision) refused.push(decision);
    }
    if (jwts.length + apiKeys.length + problems.length === 0) return this.refusal(NOTHING_SENT);
    return this.refuse(clientIp, refused);
  }

  /**
   * 429 when what failed is past its limit (the address, or the existing key a refusal named), else
   * 401 with the reasons; either way the failures count.
   */
  private refuse(clientIp: string, refused: Refusal[]): HttpException {
    let retryAfter = refused.length === 0 ? this.failures.blockedFor(clientIp) : 0;
    for (const { subject } of refused) retryAfter = Math.max(retryAfter, this.failures.blockedFor(clientIp, subject && keyFailure(subject)));
    for (const { reason, apiKey, subject } of refused) this.failures.record(clientIp, reason, apiKey ? { key: subject && keyFailure(subject), counted: true } : undefined);
    if (refused.length === 0) this.failures.record(clientIp, 'credential not checked: too many failures');
    if (retryAfter > 0) {
      return new TooManyRequestsException(`Too many failed credential checks; retry in ${retryAfter} s`, retryAfter);
    }
    return this.refusal(refused.map((r) => r.reason).join('; '));
  }

  /**
   * The 401 for a reason. The few reasons there are each get one exception, thrown again and
   * again: a wrong key then costs no stack trace, so a flood of them is as cheap as valid keys.
   */
  private refusal(reason: string): UnauthorizedException {
    let exception = this.refusals.get(reason);
    if (!exception) {
      exception = new UnauthorizedException(reason);
      if (this.refusals.size < 256) this.refusals.set(reason, exception);
    }
    return exception;
  }

  private knownJwt(token: string): Decision | undefined {
    const entry = this.cache.jwt(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= Date.now()) return { reason: 'JWT has expired' };
    const refusal = userRefusal(entry.owner);
    return refusal ? { reason: refusal } : { principal: entry.principal };
  }

  /** A key decided from memory, or undefined when only the database can tell. */
  private knownKey(presented: string): KeyOutcome | undefined {
    const now = Date.now();
    const split = splitApiKey(presented);
    const entry = split && this.cache.key(split.id, now);
    const rejection = entry ? this.apiKeys.rejection(split.secret, entry, now) : null;
    if (entry && rejection === null) {
      // a use a second is all lastUsedAt needs: the other uses cost a subtraction
      if (now - entry.usedRecordedAtMs >= 1000) {
        entry.usedRecordedAtMs = now;
        this.lastUsed.record(entry.id, now);
      }
      return { ok: true, subject: entry };
    }
    // nothing to look up: decided here, without the database or Passport
    const parsed = parseApiKey(presented);
    if (!parsed) return { ok: false, reason: MALFORMED_API_KEY };
    if (!entry) return this.cache.isUnknownKey(parsed.id) ? { ok: false, reason: INVALID_API_KEY } : undefined;
    return { ok: false, reason: rejection!, subject: entry };
  }

  /** What the JWT strategy, run on the request, decided about `token`; remembered when it is a caller. */
  private async verifyJwt(token: string, strategyRun: Promise<StrategyOutcome<JwtDecision>>): Promise<Decision> {
    const epoch = this.cache.epoch;
    const outcome = await strategyRun;
    if (!outcome.ok) {
      throwUnlessRefusal(outcome.error);
      return { reason: outcome.reason };
    }
    const decision = outcome.user;
    if (!decision.ok) return { reason: decision.reason };
    this.cache.rememberJwt(epoch, token, decision.expiresAtMs, decision.user, decision.sessionId);
    return { principal: jwtPrincipal(this.catalog, decision.user, decision.sessionId) };
  }

  /** What the database check of `presented` decided (a key strategy's run, or verify's direct check); remembered. */
  private async verifyKey(presented: string, check: Promise<StrategyOutcome<KeyVerification>>): Promise<KeyOutcome> {
    const epoch = this.cache.epoch;
    const outcome = await check;
    if (!outcome.ok) {
      throwUnlessRefusal(outcome.error);
      return { ok: false, reason: outcome.reason };
    }
    const verification = outcome.user;
    if (verification.ok) {
      const { key, owner, state } = verification;
      const entry = this.cache.rememberKey(epoch, key, owner, state);
      this.lastUsed.record(key.id, Date.now());
      return { ok: true, subject: entry ?? { principal: apiKeyPrincipal(this.catalog, key, owner), expiresAtMs: state.expiresAtMs } };
    }
    const { reason, record } = verification;
    if (record === null) this.cache.rememberUnknownKey(epoch, parseApiKey(presented)!.id);
    if (!record) return { ok: false, reason };
    const entry = this.cache.rememberKey(epoch, record.key, record.owner, record.state);
    return { ok: false, reason, subject: entry ?? { principal: apiKeyPrincipal(this.catalog, record.key, record.owner), expiresAtMs: record.state.expiresAtMs } };
  }
}

/** A database check made without a strategy, in the shape a strategy's run has. */
function settled(verification: Promise<KeyVerification>): Promise<StrategyOutcome<KeyVerification>> {
  return verification.then(
    (user) => ({ ok: true, user }),
    (error: unknown) => ({ ok: false, reason: error instanceof Error ? error.message : 'Invalid credentials', error }),
  );
}

/** A key's outcome as a decision on the request's credentials. */
function keyDecision(outcome: KeyOutcome | undefined): Decision | undefined {
  if (!outcome) return undefined;
  return outcome.ok ? { principal: outcome.subject.principal } : { reason: outcome.reason, apiKey: true, subject: outcome.subject };
}

/**
 * A strategy's error that is not a refusal: the database away (too many connections, a cancelled
 * statement...) is a 503, not counted against the client and without the database's own words;
 * anything else is a bug, thrown on to be logged with its stack and answered 500.
 */
function throwUnlessRefusal(error: unknown): void {
  if (error === undefined || error instanceof HttpException) return;
  if (isDatabaseUnavailable(error)) throw new ServiceUnavailableException(DATABASE_AWAY);
  throw error;
}

/** An HTTP refusal raised on the way (503 while the database is away) is a decision like any other. */
function refusalOrThrow(error: unknown): HttpException {
  if (error instanceof HttpException) return error;
  throw error;
}

function keyFailure({ principal }: KeySubject | CachedKey): KeyFailure {
  return { apiKeyId: principal.apiKeyId!, ownerType: principal.ownerType, ownerId: principal.userId, tenantId: principal.tenantId };
}
