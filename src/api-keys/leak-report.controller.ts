import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { ApiTags } from '@nestjs/swagger';
import { ClientIp } from '../common/client-ip.decorator.js';
import { TooManyRequestsException } from '../common/too-many-requests.exception.js';
import { RateLimiters } from '../rate-limits/rate-limiters.js';
import { Public } from '../rights/route-rights.decorator.js';
import { ApiKeysService } from './api-keys.service.js';
import { LeakReportAcceptedDto, ReportLeakedKeysDto } from './dto/report-leaked.dto.js';

const CALLS_PER_MINUTE = 10;

/** Anyone who finds a key can kill it, as GitHub's credential revocation API lets anyone revoke a found token. */
@ApiTags('api-keys')
@Controller('keys')
export class LeakReportController {
  /** Calls per client address and minute: in Redis for the cluster when REDIS_URL is set. */
  private readonly calls: RateLimiterAbstract;

  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly limiters: RateLimiters,
  ) {
    this.calls = limiters.create('leak-reports', CALLS_PER_MINUTE, 60);
  }

  /**
   * Reports keys found in public: every real key among them is disabled at once and its owner's audit
   * trail says so. The answer is the same whichever were real. At most 100 keys a call and 10 calls a
   * minute from one address.
   */
  @Post('report-leaked')
  @Public()
  @HttpCode(202)
  async report(@Body() dto: ReportLeakedKeysDto, @ClientIp() clientIp: string): Promise<LeakReportAcceptedDto> {
    const call = await this.limiters.count(this.calls, clientIp);
    if (!call.allowed) {
      throw new TooManyRequestsException(`At most ${CALLS_PER_MINUTE} leak reports a minute from one address; retry in ${call.resetSeconds} s`, call.resetSeconds);
    }
    await this.apiKeys.reportLeaked(dto.keys, clientIp);
    return { received: dto.keys.length };
  }
}
