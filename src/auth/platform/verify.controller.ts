import { Body, Controller, ForbiddenException, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Right } from '../../rights/right.js';
import { RequireRights } from '../../rights/route-rights.decorator.js';
import { VerifyKeyDto, VerifyKeyResultDto } from './verify-key.dto.js';

export const VERIFY_PATH = '/api/keys/verify';

@ApiTags('platform')
@Controller('keys')
export class VerifyController {
  /**
   * Verifies a key a client presented to another service: 200 for every well-formed request,
   * `valid` and `code` saying what keygate decided. A caller in a tenant verifies only its
   * tenant's keys (any other is NOT_FOUND); a system administrator or system-level account, every key.
   * Answered by the verify hook (auth/platform/verify-hook.ts) once the caller is known and the body
   * read; this handler is here for the route and its documentation.
   */
  @Post('verify')
  @HttpCode(200)
  @RequireRights(Right.KEYS_VERIFY)
  @ApiBody({ type: VerifyKeyDto })
  @ApiOkResponse({ type: VerifyKeyResultDto })
  verify(@Body() _body: unknown): VerifyKeyResultDto {
    throw new ForbiddenException('Verify is answered by its hook, which did not run');
  }
}
