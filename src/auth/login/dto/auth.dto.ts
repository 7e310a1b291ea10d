import { ApiProperty } from '@nestjs/swagger';
import { IsJWT, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { UserDto } from '../../../users/dto/user.dto.js';

/** A JWT's three base64url parts (keygate's are a few hundred characters). */
const JWT_PATTERN = '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$';
const JWT_MAX_LENGTH = 4096;
const JWT_EXAMPLE = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtZSJ9.c2lnbmF0dXJl';

export class LoginDto {
  /** The user's email. */
  @IsString() @IsNotEmpty() @MaxLength(255)
  username: string;

  @IsString() @IsNotEmpty() @MaxLength(1024)
  password: string;
}

export class RefreshTokenDto {
  /** The refresh token of the latest pair: each works once, and one presented again ends its session. */
  @IsJWT() @MaxLength(JWT_MAX_LENGTH)
  @ApiProperty({ pattern: JWT_PATTERN, minLength: 5, maxLength: JWT_MAX_LENGTH, example: JWT_EXAMPLE })
  refreshToken: string;
}

export class TokenPairDto {
  /** Access token: send as `Authorization: Bearer <token>`. */
  @ApiProperty({ pattern: JWT_PATTERN, maxLength: JWT_MAX_LENGTH, example: JWT_EXAMPLE })
  token: string;
  /** Exchange at `POST /api/auth/token` for a new pair, once. */
  @ApiProperty({ pattern: JWT_PATTERN, maxLength: JWT_MAX_LENGTH, example: JWT_EXAMPLE })
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
