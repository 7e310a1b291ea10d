import { IsJWT, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { UserDto } from '../../../users/dto/user.dto.js';

export class LoginDto {
  /** The user's email. */
  @IsString() @IsNotEmpty() @MaxLength(255)
  username: string;

  @IsString() @IsNotEmpty() @MaxLength(1024)
  password: string;
}

export class RefreshTokenDto {
  /** The refresh token of the latest pair: each works once, and one presented again ends its session. */
  @IsJWT()
  refreshToken: string;
}

export class TokenPairDto {
  /** Access token: send as `Authorization: Bearer <token>`. */
  token: string;
  /** Exchange at `POST /api/auth/token` for a new pair, once. */
  refreshToken: string;
}

export class AuthenticationDto {
  method: 'jwt' | 'apiKey';
  /** The key's id when the call came with an API key, else null. */
  apiKeyId: string | null;
  /** The effective rights of this call. */
  rights: string[];
}

export class CurrentUserDto extends UserDto {
  authentication: AuthenticationDto;
}
