import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuditAction } from '../../audit/audit-event.entity.js';
import { AuditService } from '../../audit/audit.service.js';
import { ClusterFailureThrottle } from '../../rate-limits/cluster-failure-throttle.js';
import { RateLimiters } from '../../rate-limits/rate-limiters.js';
import { isUuid } from '../../common/ids.js';
import { AppConfig } from '../../config/app-config.js';
import { SERVER_SECRETS, type ServerSecrets } from '../../config/config.module.js';
import type { Principal } from '../../rights/principal.js';
import type { User } from '../../users/user.entity.js';
import { UsersService } from '../../users/users.service.js';
import type { TokenPairDto } from './dto/auth.dto.js';
import { SessionEndReason } from './sessions/session.entity.js';
import { SessionsService } from './sessions/sessions.service.js';
import { InvalidLogin, InvalidRefreshToken, KeyHasNoSession, SessionEnded, TooManyLogins } from './login.errors.js';
import type { TokenPayload } from './token-payload.js';

/** Why a login was refused, for the log and the audit trail only. */
enum LoginFailure {
  UNKNOWN_USER = 'Unknown username',
  WRONG_PASSWORD = 'Wrong password',
  DISABLED = 'User account is disabled',
}

/**
 * Login, refresh and logout. A login starts a session; its tokens name it, its refresh token can be
 * exchanged once, and a logout, a refresh token presented twice or the user's disabling ends it.
 */
@Injectable()
export class TokensService {
  private readonly logger = new Logger('Login');
  /** Failed logins per (client address, account). */
  private readonly loginFailures: ClusterFailureThrottle;
  /** Failed logins per client address, across accounts. */
  private readonly addressFailures: ClusterFailureThrottle;

  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @Inject(SERVER_SECRETS) private readonly secrets: ServerSecrets,
    @Optional() limiters?: RateLimiters,
  ) {
    const windowMs = config.LOGIN_LOCKOUT_SECONDS * 1000;
    // counted for the whole cluster with REDIS_URL, else per instance
    this.loginFailures = new ClusterFailureThrottle(limiters, 'login', config.LOGIN_MAX_FAILURES, windowMs);
    this.addressFailures = new ClusterFailureThrottle(limiters, 'login-address', config.LOGIN_MAX_FAILURES_PER_ADDRESS, windowMs);
  }

  /**
   * Past LOGIN_MAX_FAILURES failures, the (address, account) pair gets 429 until its window ends,
   * even with the right password; past LOGIN_MAX_FAILURES_PER_ADDRESS failures on any accounts,
   * the whole address does. Either is decided before a password is hashed. An unknown user, a
   * wrong password and a disabled account get the very same 401; the log and the audit trail say which.
   */
  async login(username: string, password: string, clientIp: string): Promise<TokenPairDto> {
    const attempt = `${clientIp}\n${username.trim().toLowerCase()}`;
    const addressWait = this.addressFailures.blockedFor(clientIp);
    if (addressWait > 0) {
      throw new TooManyLogins('address', addressWait);
    }
    const accountWait = this.loginFailures.blockedFor(attempt);
    if (accountWait > 0) {
      throw new TooManyLogins('account', accountWait);
    }
    const { user, matches } = await this.users.checkPassword(username, password);
    if (!user) return this.refuseLogin(LoginFailure.UNKNOWN_USER, attempt, clientIp);
    if (!matches) return this.refuseLogin(LoginFailure.WRONG_PASSWORD, attempt, clientIp, user);
    if (!user.enabled) return this.refuseLogin(LoginFailure.DISABLED, attempt, clientIp, user);
    const session = await this.sessions.start(user.id, this.sessionExpiry());
    // disabled or deleted since its password was checked
    if (!session) return this.refuseLogin(LoginFailure.DISABLED, attempt, clientIp, user);
    this.loginFailures.forget(attempt);
    return this.issue(user.id, session.id, session.refreshGeneration);
  }

  /** A new pair for the current refresh token of a live session; an older one ends the session. */
  async refresh(refreshToken: string, clientIp: string): Promise<TokenPairDto> {
    const payload = await this.verify(refreshToken);
    if (!payload) throw new InvalidRefreshToken('invalid');
    if (payload.typ !== 'refresh' || !Number.isSafeInteger(payload.gen)) throw new InvalidRefreshToken('not-refresh');
    const outcome = await this.sessions.refresh(payload.sid, payload.sub, payload.gen!, this.sessionExpiry());
    if (outcome.kind === 'refreshed') return this.issue(payload.sub, payload.sid, outcome.generation);
    if (outcome.kind === 'ended') throw new SessionEnded();
    const user = await this.users.findById(payload.sub);
    this.logger.warn(`A refresh token of session ${payload.sid} (user ${payload.sub}) was presented again from ${clientIp}: the session is ended`);
    await this.audit.record({
      action: AuditAction.REFRESH_TOKEN_REUSED,
      targetUserId: payload.sub,
      tenantId: user?.tenantId ?? null,
      clientIp,
      details: { sessionId: payload.sid },
    });
    throw new SessionEnded(true);
  }

  /**
   * Ends the session of the JWT that authenticated the call (the first valid one sent, as the
   * authenticator took it). An API key has none: 403.
   */
  /** Ends the session of the JWT that authenticated the call; one ended meanwhile (a racing logout) leaves nothing to do. */
  async logout(caller: Principal): Promise<void> {
    if (caller.method !== 'jwt' || caller.sessionId === null) throw new KeyHasNoSession();
    await this.sessions.end(caller.sessionId, caller.userId, SessionEndReason.LOGOUT);
  }

  /** The claims of a token keygate signed that has not expired and names a session; null for any other. */
  private async verify(token: string): Promise<TokenPayload | null> {
    try {
      const payload = await this.jwt.verifyAsync<TokenPayload>(token, { secret: this.secrets.jwtSecret, algorithms: ['HS256'] });
      return typeof payload.sub === 'string' && typeof payload.sid === 'string' && isUuid(payload.sid) ? payload : null;
    } catch {
      return null;
    }
  }

  /** Counts the failure against the pair and the address, says why in the log and the audit trail, and answers the one 401. */
  private async refuseLogin(reason: LoginFailure, attempt: string, clientIp: string, user?: User): Promise<never> {
    this.loginFailures.fail(attempt);
    this.addressFailures.fail(clientIp);
    this.logger.warn(`Login refused from ${clientIp}: ${reason}${user ? ` (user ${user.id})` : ''}`);
    await this.audit.record({
      action: AuditAction.LOGIN_FAILED,
      targetUserId: user?.id ?? null,
      tenantId: user?.tenantId ?? null,
      clientIp,
      details: { reason },
    });
    throw new InvalidLogin();
  }

  /** Until when a session's newest tokens are valid, from now. */
  private sessionExpiry(): Date {
    return new Date(Date.now() + Math.max(this.config.JWT_EXPIRES_IN, this.config.JWT_REFRESH_EXPIRES_IN) * 1000);
  }

  private async issue(userId: string, sid: string, generation: number): Promise<TokenPairDto> {
    const sign = (payload: TokenPayload, expiresIn: number) =>
      this.jwt.signAsync(payload, { secret: this.secrets.jwtSecret, algorithm: 'HS256', expiresIn });
    return {
      token: await sign({ sub: userId, typ: 'access', sid }, this.config.JWT_EXPIRES_IN),
      refreshToken: await sign({ sub: userId, typ: 'refresh', sid, gen: generation }, this.config.JWT_REFRESH_EXPIRES_IN),
    };
  }
}
