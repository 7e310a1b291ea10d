import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

/** Only the fields sent change. */
export class UpdateUserDto {
  @IsOptional() @IsString() @MaxLength(255)
  firstName?: string | null;

  @IsOptional() @IsString() @MaxLength(255)
  lastName?: string | null;

  /** A disabled user cannot log in and its API keys stop working at once. Not for one's own account. */
  @IsOptional() @IsBoolean()
  enabled?: boolean;
}
