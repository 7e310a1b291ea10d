import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { FailureThrottle } from '../common/failure-throttle.js';
import { TooManyRequestsException } from '../common/too-many-requests.exception.js';
import { AppConfig } from '../config/app-config.js';
import { SERVER_SECRETS, type ServerSecrets } from '../config/config.module.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { TokenPairDto } from './dto/auth.dto.js';
import type { TokenPayload } from './strategies/jwt.strategy.js';

/** Login and refresh: issues access and refresh tokens for enabled users. */
@Injectable()
export class TokensService {
  /** Failed logins per (client address, account). */
  private readonly loginFailures: FailureThrottle;

  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
    @Inject(SERVER_SECRETS) private readonly secrets: ServerSecrets,
  ) {
    this.loginFailures = new FailureThrottle(config.LOGIN_MAX_FAILURES, config.LOGIN_LOCKOUT_SECONDS * 1000);
  }

  /**
   * Past LOGIN_MAX_FAILURES failures, the (address, account) pair gets 429 until its window ends,
   * even with the right password; other accounts and addresses are untouched.
   */
  async login(username: string, password: string, clientIp: string): Promise<TokenPairDto> {
    const attempt = `${clientIp}\n${username.trim().toLowerCase()}`;
    const retryAfter = this.loginFailures.blockedFor(attempt);
    if (retryAfter > 0) {
      throw new TooManyRequestsException(`Too many failed logins for this account from your address; retry in ${retryAfter} s`, retryAfter);
    }
    const user = await this.users.verifyPassword(username, password);
    if (!user) {
      this.loginFailures.fail(attempt);
      throw new UnauthorizedException('Invalid username or password');
    }
    if (!user.enabled) throw new UnauthorizedException('User account is disabled');
    this.loginFailures.forget(attempt);
    return this.issue(user);
  }

  async refresh(refreshToken: string): Promise<TokenPairDto> {
    let payload: TokenPayload;
    try {
      payload = await this.jwt.verifyAsync<TokenPayload>(refreshToken, { secret: this.secrets.jwtSecret, algorithms: ['HS256'] });
    } catch {
      throw new UnauthorizedException('Invalid or expired refresh token');
    }
    if (payload.typ !== 'refresh') throw new UnauthorizedException('Not a refresh token');
    const user = await this.users.findById(payload.sub);
    if (!user || !user.enabled) throw new UnauthorizedException('User account is disabled or deleted');
    return this.issue(user);
  }

  private async issue(user: User): Promise<TokenPairDto> {
    const sign = (typ: TokenPayload['typ'], expiresIn: number) =>
      this.jwt.signAsync({ sub: user.id, typ } satisfies TokenPayload, { secret: this.secrets.jwtSecret, algorithm: 'HS256', expiresIn });
    return {
      token: await sign('access', this.config.JWT_EXPIRES_IN),
      refreshToken: await sign('refresh', this.config.JWT_REFRESH_EXPIRES_IN),
    };
  }
}
