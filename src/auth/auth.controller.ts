import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ClientIp } from '../common/client-ip.decorator.js';
import type { Principal } from '../rights/principal.js';
import { Right } from '../rights/right.js';
import { CurrentPrincipal, Public, RequireRights } from '../rights/route-rights.decorator.js';
import { UserDto } from '../users/dto/user.dto.js';
import { UsersService } from '../users/users.service.js';
import { CurrentUserDto, LoginDto, RefreshTokenDto, TokenPairDto } from './dto/auth.dto.js';
import { TokensService } from './tokens.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly tokens: TokensService,
    private readonly users: UsersService,
  ) {}

  /** Exchanges an email and password for a JWT pair. */
  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Bad credentials, or the user is disabled' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for this account from this address (see Retry-After)' })
  login(@Body() dto: LoginDto, @ClientIp() clientIp: string): Promise<TokenPairDto> {
    return this.tokens.login(dto.username, dto.password, clientIp);
  }

  /** Exchanges a refresh token for a new pair. */
  @Post('token')
  @HttpCode(200)
  @Public()
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'The refresh token is invalid or expired, or the user is disabled' })
  refresh(@Body() dto: RefreshTokenDto): Promise<TokenPairDto> {
    return this.tokens.refresh(dto.refreshToken);
  }

  /** The caller's user, and how it authenticated: `jwt` or `apiKey`, with the call's effective rights. */
  @Get('user')
  @RequireRights(Right.USER_INFO)
  async currentUser(@CurrentPrincipal() principal: Principal): Promise<CurrentUserDto> {
    const user = await this.users.getManaged(principal, principal.userId);
    return {
      ...UserDto.from(user),
      authentication: { method: principal.method, apiKeyId: principal.apiKeyId, rights: [...principal.rights].sort() },
    };
  }
}
