
import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, Max, Min, IsISO8601, IsOptional, IsString,
  Length, Matches, registerDecorator, type ValidationArguments,
} from 'class-validator';
import { PageQueryDto } from '../../common/page.dto.js';
import { RIGHT_NAME } from '../../rights/right.js';
import { API_KEY_SORT_PROPERTIES } from '../api-key-sort.js';

/** An ISO-8601 time later than now. */
function IsFutureTime() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isFutureTime',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && Date.parse(value) > Date.now(),
        defaultMessage: (args?: ValidationArguments) => `${args?.property} must be a time in the future`,
      },
    });
}

export class CreateApiKeyDto {
  /** What the key is for, e.g. "Production server". 1 to 255 characters. */
  @IsString() @Length(1, 255) @Matches(/\S/, { message: 'description must not be blank' })
  description: string;

  /**
   * When the key stops working (ISO 8601, in the future). Absent or null: never.
   * @example 2027-11-23T00:00:00Z
   */
  @IsOptional() @IsISO8601({ strict: true }) @IsFutureTime()
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  expiresAt?: string | null;

  /**
   * Rights from `GET /api/rights`, keygate's and the platform's. Defaults to `["RIGHT_ALL"]`: all
   * current and future rights of the key's owner.
   * @example ["RIGHT_USER_INFO"]
   */
  @IsOptional() @IsArray() @ArrayNotEmpty() @ArrayMaxSize(100) @ArrayUnique() @Matches(RIGHT_NAME, { each: true })
  rights?: string[];
}

/** Only the fields sent change. */
export class UpdateApiKeyDto {
  @IsOptional() @IsString() @Length(1, 255) @Matches(/\S/, { message: 'description must not be blank' })
  description?: string;

  /** False stops the key at once; true lets it work again. */
  @IsOptional() @IsBoolean()
  enabled?: boolean;

  /** A future time, or null for never. */
  @IsOptional() @IsISO8601({ strict: true }) @IsFutureTime()
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  expiresAt?: string | null;

  /** Changing rights needs every right added and every right removed. */
  @IsOptional() @IsArray() @ArrayNotEmpty() @ArrayMaxSize(100) @ArrayUnique() @Matches(RIGHT_NAME, { each: true })
  rights?: string[];
}


/** The longest overlap of a roll: 30 days. */
export const MAX_ROLL_OVERLAP_SECONDS = 2_592_000;

export class RollApiKeyDto {
  /**
   * How long the old key keeps working beside the new one, in seconds (0 to 2,592,000, 30 days);
   * then it is refused as expired. 0, the default: at once.
   * @example 86400
   */
  @IsOptional() @IsInt() @Min(0) @Max(MAX_ROLL_OVERLAP_SECONDS)
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 0, maximum: MAX_ROLL_OVERLAP_SECONDS, default: 0 })
  overlapSeconds?: number;
}

export class ApiKeyPageQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(API_KEY_SORT_PROPERTIES)
  sortProperty?: (typeof API_KEY_SORT_PROPERTIES)[number] = 'createdAt';
}

