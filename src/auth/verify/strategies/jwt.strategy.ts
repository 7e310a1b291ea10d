import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { isUuid } from '../../../common/ids.js';
import type { ServerSecrets } from '../../../config/config.module.js';
import type { User } from '../../../users/user.entity.js';
import type { UsersService } from '../../../users/users.service.js';
import type { SessionsService } from '../../login/sessions/sessions.service.js';
import { SESSION_ENDED, type TokenPayload } from '../../login/token-payload.js';
import { credentialIn, type CredentialHeader } from '../credentials.js';
import { userRefusal } from '../principal-builder.js';

/** What the strategy decided on a signed, unexpired token: its user as it is now, or why not. */
export type JwtDecision = { ok: true; user: User; sessionId: string; expiresAtMs: number } | { ok: false; reason: string };

const BEARER = ['bearer'];

/**
 * Verifies the access token in one header of the request (`Authorization` or `X-Authorization`,
 * `Bearer <jwt>`): passport-jwt checks the signature and expiry, `validate` decides on the user
 * and the session, returning the decision rather than throwing it.
 */
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    header: CredentialHeader,
    secrets: ServerSecrets,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: (request: { headers: Record<string, unknown> }) => credentialIn(request.headers[header], BEARER) ?? null,
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
