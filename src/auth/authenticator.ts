import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { parseApiKey } from '../api-keys/api-key-format.js';
import { INVALID_API_KEY } from '../api-keys/api-key-check.js';
import { ApiKeyRejected, ApiKeysService, type VerifiedApiKey } from '../api-keys/api-keys.service.js';
import { LastUsedRecorder } from '../api-keys/last-used-recorder.js';
import type { Principal } from '../rights/principal.js';
import { AuthCache } from './auth-cache.js';
import { readCredentials } from './credentials.js';
import { apiKeyPrincipal, jwtPrincipal } from './principals.js';
import { runStrategy } from './run-strategy.js';
import { ApiKeyStrategy } from './strategies/api-key.strategy.js';
import { JwtStrategy, type VerifiedJwt } from './strategies/jwt.strategy.js';

/** A decision reached from memory: who, or why not. Undefined: memory does not know. */
type Known = { principal: Principal } | { reason: string } | undefined;

const NOTHING_SENT = 'Authentication required: send "Authorization: Bearer <JWT or API key>" or "X-Authorization: ApiKey <key>"';

/**
 * The one place that decides who is calling. A valid JWT decides, even beside a key; when no JWT
 * is valid, a valid key decides; when nothing valid is sent, 401 saying what was wrong.
 *
 * The Passport strategies verify a credential against the database; what they verified is kept
 * in the AuthCache, so a repeated credential is decided in memory (a map lookup and, for a key,
 * one HMAC) without a database read or Passport's per-call overhead. The decision is synchronous
 * then, which spares the request a promise.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly jwtStrategy: JwtStrategy,
    private readonly apiKeyStrategy: ApiKeyStrategy,
    private readonly apiKeys: ApiKeysService,
    private readonly lastUsed: LastUsedRecorder,
    private readonly cache: AuthCache,
  ) {}

  authenticate(headers: IncomingHttpHeaders): Principal | Promise<Principal> {
    const credentials = readCredentials(headers);
    const { jwts, apiKeys, problems } = credentials;
    // the common case: one credential, already verified
    if (jwts.length + apiKeys.length === 1 && problems.length === 0) {
      const known = jwts.length ? this.knownJwt(jwts[0]!) : this.knownKey(apiKeys[0]!);
      if (known && 'principal' in known) return known.principal;
      if (known) throw new UnauthorizedException(known.reason);
    }
    return this.authenticateInOrder(jwts, apiKeys, problems);
  }

  private async authenticateInOrder(jwts: string[], apiKeys: string[], problems: string[]): Promise<Principal> {
    const reasons = [...problems];
    for (const jwt of jwts) {
      const known = this.knownJwt(jwt) ?? (await this.verifyJwt(jwt));
      if ('principal' in known) return known.principal;
      reasons.push(known.reason);
    }
    for (const apiKey of apiKeys) {
      const known = this.knownKey(apiKey) ?? (await this.verifyKey(apiKey));
      if ('principal' in known) return known.principal;
      reasons.push(known.reason);
    }
    throw new UnauthorizedException(reasons.length ? reasons.join('; ') : NOTHING_SENT);
  }

  private knownJwt(token: string): Known {
    const entry = this.cache.jwt(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= Date.now()) return { reason: 'JWT has expired' };
    if (!entry.owner.enabled) return { reason: 'User account is disabled' };
    return { principal: entry.owner.jwtPrincipal };
  }

  private knownKey(presented: string): Known {
    const parsed = parseApiKey(presented);
    if (!parsed) return undefined;
    if (this.cache.isUnknownKey(parsed.id)) return { reason: INVALID_API_KEY };
    const entry = this.cache.key(parsed.id);
    if (!entry) return undefined;
    const rejection = this.apiKeys.rejection(parsed.secret, entry);
    if (rejection) return { reason: rejection };
    this.lastUsed.record(entry.id, Date.now());
    return { principal: entry.principal };
  }

  private async verifyJwt(token: string): Promise<NonNullable<Known>> {
    const epoch = this.cache.epoch;
    const outcome = await runStrategy<VerifiedJwt>(this.jwtStrategy, { headers: { authorization: `Bearer ${token}` } });
    if (!outcome.ok) return { reason: outcome.reason };
    this.cache.rememberJwt(epoch, token, outcome.user.expiresAtMs, outcome.user.user);
    return { principal: jwtPrincipal(outcome.user.user) };
  }

  private async verifyKey(presented: string): Promise<NonNullable<Known>> {
    const epoch = this.cache.epoch;
    const outcome = await runStrategy<VerifiedApiKey>(this.apiKeyStrategy, { headers: { 'x-authorization': `ApiKey ${presented}` } });
    if (outcome.ok) {
      const entry = this.cache.rememberKey(epoch, outcome.user.key, outcome.user.owner);
      this.lastUsed.record(outcome.user.key.id, Date.now());
      return { principal: entry?.principal ?? apiKeyPrincipal(outcome.user.key, outcome.user.owner) };
    }
    if (outcome.error instanceof ApiKeyRejected) {
      const id = parseApiKey(presented)?.id;
      if (outcome.error.record) this.cache.rememberKey(epoch, outcome.error.record.key, outcome.error.record.owner);
      else if (outcome.error.record === null && id) this.cache.rememberUnknownKey(epoch, id);
    }
    return { reason: outcome.reason };
  }
}
