import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ClientIp } from '../../common/client-ip.decorator.js';
import type { Principal } from '../../rights/principal.js';
import { Right } from '../../rights/right.js';
import { CurrentPrincipal, Public, RequireRights } from '../../rights/route-rights.decorator.js';
import { UserDto } from '../../users/dto/user.dto.js';
import { UsersService } from '../../users/users.service.js';
import { CurrentUserDto, LoginDto, RefreshTokenDto, TokenPairDto } from './dto/auth.dto.js';
import { TokensService } from './tokens.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly tokens: TokensService,
    private readonly users: UsersService,
  ) {}

  /** Exchanges an email and password for a JWT pair: the start of a session. */
  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Bad credentials: an unknown user, a wrong password and a disabled account get the same answer' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for this account, or for any accounts, from this address (see Retry-After)' })
  login(@Body() dto: LoginDto, @ClientIp() clientIp: string): Promise<TokenPairDto> {
    return this.tokens.login(dto.username, dto.password, clientIp);
  }

  /**
   * Exchanges a refresh token for a new pair of the same session. Each refresh token works once:
   * presenting one already used ends the session, and every token of it is refused from then on.
   */
  @Post('token')
  @HttpCode(200)
  @Public()
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'The refresh token is invalid, expired or already used, or its session has ended' })
  refresh(@Body() dto: RefreshTokenDto, @ClientIp() clientIp: string): Promise<TokenPairDto> {
    return this.tokens.refresh(dto.refreshToken, clientIp);
  }

  /**
   * Ends the session of the JWT sent: its access and refresh tokens are refused from the next
   * request, on every instance. Takes no body. Other sessions of the user are untouched.
   */
  @Post('logout')
  @HttpCode(204)
  @RequireRights()
  @ApiNoContentResponse({ description: 'The session has ended' })
  @ApiForbiddenResponse({ description: 'The call was authenticated with an API key, which has no session: disable or delete the key instead' })
  logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.tokens.logout(principal);
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
