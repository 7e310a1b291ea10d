import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The body of every error answer (docs/errors.md): what the exception filter and the authentication hook send. */
export class ErrorDto {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 403 })
  statusCode: number;

  /** The status's reason phrase. */
  @ApiProperty({ example: 'Forbidden' })
  error: string;

  /** One string; for invalid input, `errors` joined by "; ". A key or JWT it repeats is redacted. */
  @ApiProperty({ example: 'Missing right RIGHT_USER_USERS_READ' })
  message: string;

  /** Only on a 400 for invalid input: each problem. */
  @ApiPropertyOptional({ type: [String] })
  errors?: string[];

  /** On a 403 for a route's right: the right the route needs. */
  @ApiPropertyOptional({ example: 'RIGHT_USER_USERS_READ' })
  missingRight?: string;

  /** On a 403 for granting: the rights the caller would have to hold. */
  @ApiPropertyOptional({ type: [String] })
  missingRights?: string[];

  /** On a 429: seconds to wait, as `Retry-After` says. */
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: 2_147_483_647 })
  retryAfterSeconds?: number;
}
