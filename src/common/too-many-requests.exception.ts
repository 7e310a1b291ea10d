import { HttpException, HttpStatus } from '@nestjs/common';

/** 429 with `Retry-After` (the exception filter sets the header from `retryAfterSeconds`). */
export class TooManyRequestsException extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ message, retryAfterSeconds }, HttpStatus.TOO_MANY_REQUESTS);
  }
}
