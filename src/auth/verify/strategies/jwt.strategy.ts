import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { isUuid } from '../../../common/ids.js';
import { SERVER_SECRETS, type ServerSecrets } from '../../../config/config.module.js';
import type { User } from '../../../users/user.entity.js';
import { UsersService } from '../../../users/users.service.js';
import { SessionsService } from '../../login/sessions/sessions.service.js';
import { userRefusal } from '../principal-builder.js';
import { SESSION_ENDED, type TokenPayload } from '../../login/token-payload.js';

export const JWT_STRATEGY = 'jwt';

/** What the strategy decided on a signed, unexpired token: its user as it is now, or why not. */
export type JwtDecision = { ok: true; user: User; sessionId: string; expiresAtMs: number } | { ok: false; reason: string };

/**
 * Verifies an access token (`Authorization: Bearer <jwt>`): passport-jwt checks the signature and
 * expiry, `validate` decides on the user and the session, returning the decision rather than throwing it.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    @Inject(SERVER_SECRETS) secrets: ServerSecrets,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: secrets.jwtSecret,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(payload: TokenPayload): Promise<JwtDecision> {
    if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') {
      return { ok: false, reason: 'Not an access token' };
    }
    // a token without a session was issued before there were sessions: it cannot be ended, so it is not taken
    if (typeof payload.sid !== 'string' || !isUuid(payload.sid)) return { ok: false, reason: SESSION_ENDED };
    const [user, live] = await Promise.all([this.users.findById(payload.sub), this.sessions.isLive(payload.sid, payload.sub)]);
    if (!user) return { ok: false, reason: "The token's user no longer exists" };
    const refusal = userRefusal(user) ?? (live ? null : SESSION_ENDED);
    return refusal ? { ok: false, reason: refusal } : { ok: true, user, sessionId: payload.sid, expiresAtMs: payload.exp * 1000 };
  }
}
