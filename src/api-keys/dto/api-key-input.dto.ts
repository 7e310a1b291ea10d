
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, Max, Min, IsISO8601, IsObject, IsOptional, IsString,
  Length, Matches, registerDecorator, ValidateNested, type ValidationArguments,
} from 'class-validator';
import { MAX_ALLOWED_CIDRS, metadataProblem, normalizeCidr, RATE_LIMIT_BOUNDS } from '../key-restriction-rules.js';
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

/** Each value a CIDR (IPv4 or IPv6) or a bare address. */
function IsCidr() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCidr',
      target: target.constructor,
      propertyName,
      options: { each: true },
      validator: {
        validate: (value: unknown) => normalizeCidr(value) !== null,
        defaultMessage: (args?: ValidationArguments) => `each value in ${args?.property} must be an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or 2001:db8::/32, or an address`,
      },
    });
}

/** A JSON object of at most 4 KB. */
function IsMetadata() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isMetadata',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => metadataProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) => metadataProblem(args?.value) ?? 'metadata must be a JSON object',
      },
    });
}

/** A rate limit: at most `limit` uses of the key in each window of `windowSeconds`, for the whole cluster. */
export class RateLimitDto {
  /**
   * Uses allowed in a window (1 to 1,000,000).
   * @example 6
   */
  @IsInt() @Min(RATE_LIMIT_BOUNDS.limit.min) @Max(RATE_LIMIT_BOUNDS.limit.max)
  @ApiProperty({ type: 'integer', format: 'int32', minimum: RATE_LIMIT_BOUNDS.limit.min, maximum: RATE_LIMIT_BOUNDS.limit.max })
  limit: number;

  /**
   * The window in seconds (1 to 86,400, a day).
   * @example 60
   */
  @IsInt() @Min(RATE_LIMIT_BOUNDS.windowSeconds.min) @Max(RATE_LIMIT_BOUNDS.windowSeconds.max)
  @ApiProperty({ type: 'integer', format: 'int32', minimum: RATE_LIMIT_BOUNDS.windowSeconds.min, maximum: RATE_LIMIT_BOUNDS.windowSeconds.max })
  windowSeconds: number;
}

/**
 * RateLimitDto's schema, inline where the field may be null: OpenAPI 3.0 cannot say "a $ref or
 * null", and validators refuse null beside `allOf`.
 */
export const NULLABLE_RATE_LIMIT_SCHEMA: ApiPropertyOptions = {
  type: 'object',
  nullable: true,
  required: ['limit', 'windowSeconds'],
  properties: {
    limit: { type: 'integer', format: 'int32', minimum: RATE_LIMIT_BOUNDS.limit.min, maximum: RATE_LIMIT_BOUNDS.limit.max, example: 6, description: 'Uses allowed in a window' },
    windowSeconds: { type: 'integer', format: 'int32', minimum: RATE_LIMIT_BOUNDS.windowSeconds.min, maximum: RATE_LIMIT_BOUNDS.windowSeconds.max, example: 60, description: 'The window in seconds' },
  },
};

/** The restrictions a key may carry, on create and PATCH; on PATCH, null removes one. */
class KeyRestrictionsInput {
  /**
   * The addresses the key may be used from: IPv4/IPv6 CIDRs, a bare address meaning just it (at
   * most 100). Absent or null: any address.
   * @example ["203.0.113.0/24", "2001:db8::/32"]
   */
  @IsOptional() @IsArray() @ArrayNotEmpty() @ArrayMaxSize(MAX_ALLOWED_CIDRS) @IsCidr()
  @ApiPropertyOptional({ type: [String], nullable: true, maxItems: MAX_ALLOWED_CIDRS, minItems: 1 })
  allowedCidrs?: string[] | null;

  /** At most `limit` uses in each `windowSeconds`, counted across every instance; past it, 429. Absent or null: no limit. */
  // IsObject: ValidateNested alone lets an array through, which would read as no limit
  @IsOptional() @IsObject() @ValidateNested() @Type(() => RateLimitDto)
  @ApiPropertyOptional(NULLABLE_RATE_LIMIT_SCHEMA)
  rateLimit?: RateLimitDto | null;

  /**
   * Anything the platform wants back when it verifies the key: a JSON object, at most 4 KB. Whoever
   * manages the key writes it, its owner included: a label, never a grant.
   * @example {"service": "billing"}
   */
  @IsOptional() @IsMetadata()
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  metadata?: Record<string, unknown> | null;
}

export class CreateApiKeyDto extends KeyRestrictionsInput {
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
export class UpdateApiKeyDto extends KeyRestrictionsInput {
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

