import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { VerifiedApiKey } from '../api-keys/api-keys.service.js';
import { LastUsedRecorder } from '../api-keys/last-used-recorder.js';
import type { Principal } from '../rights/principal.js';
import type { User } from '../users/user.entity.js';
import { readCredentials } from './credentials.js';
import { apiKeyPrincipal, jwtPrincipal } from './principals.js';
import { runStrategy } from './run-strategy.js';
import { ApiKeyStrategy } from './strategies/api-key.strategy.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';

/**
 * The one place that decides who is calling. A valid JWT decides, even beside a key; when no JWT
 * is valid, a valid key decides; when nothing valid is sent, 401 saying what was wrong.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly jwtStrategy: JwtStrategy,
    private readonly apiKeyStrategy: ApiKeyStrategy,
    private readonly lastUsed: LastUsedRecorder,
  ) {}

  async authenticate(headers: IncomingHttpHeaders): Promise<Principal> {
    const { jwts, apiKeys, problems } = readCredentials(headers);
    const reasons = [...problems];
    for (const jwt of jwts) {
      const outcome = await runStrategy<User>(this.jwtStrategy, { headers: { authorization: `Bearer ${jwt}` } });
      if (outcome.ok) return jwtPrincipal(outcome.user);
      reasons.push(outcome.reason);
    }
    for (const apiKey of apiKeys) {
      const outcome = await runStrategy<VerifiedApiKey>(this.apiKeyStrategy, { headers: { 'x-authorization': `ApiKey ${apiKey}` } });
      if (outcome.ok) {
        this.lastUsed.record(outcome.user.key.id, Date.now());
        return apiKeyPrincipal(outcome.user.key, outcome.user.owner);
      }
      reasons.push(outcome.reason);
    }
    throw new UnauthorizedException(
      reasons.length
        ? reasons.join('; ')
        : 'Authentication required: send "Authorization: Bearer <JWT or API key>" or "X-Authorization: ApiKey <key>"',
    );
  }
}
