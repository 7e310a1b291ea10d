import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { SERVER_SECRETS, type ServerSecrets } from '../../config/config.module.js';
import type { User } from '../../users/user.entity.js';
import { UsersService } from '../../users/users.service.js';

export const JWT_STRATEGY = 'jwt';

export interface TokenPayload {
  sub: string;
  typ: 'access' | 'refresh';
  exp?: number;
}

export interface VerifiedJwt {
  user: User;
  expiresAtMs: number;
}

/** Verifies an access token (`Authorization: Bearer <jwt>`) and returns its user as it is now. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    @Inject(SERVER_SECRETS) secrets: ServerSecrets,
    private readonly users: UsersService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: secrets.jwtSecret,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(payload: TokenPayload): Promise<VerifiedJwt> {
    if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') {
      throw new UnauthorizedException('Not an access token');
    }
    const user = await this.users.findById(payload.sub);
    if (!user) throw new UnauthorizedException("The token's user no longer exists");
    if (!user.enabled) throw new UnauthorizedException('User account is disabled');
    return { user, expiresAtMs: payload.exp * 1000 };
  }
}
