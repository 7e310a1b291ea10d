import { Transform } from 'class-transformer';
import { IsEmail, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Authority } from '../../rights/authority.js';

export class CreateUserDto {
  /** Login name; stored in lower case. */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail() @MaxLength(255)
  email: string;

  /** 8 to 72 characters (bcrypt reads no further). */
  @IsString() @MinLength(8) @MaxLength(72)
  password: string;

  @IsEnum(Authority)
  authority: Authority;

  /** For a tenant administrator created by a system administrator; a tenant administrator's own tenant otherwise. */
  @IsOptional() @IsUUID()
  tenantId?: string;

  /** Required for a customer user: a customer of the tenant. */
  @IsOptional() @IsUUID()
  customerId?: string;

  @IsOptional() @IsString() @MaxLength(255)
  firstName?: string;

  @IsOptional() @IsString() @MaxLength(255)
  lastName?: string;
}
