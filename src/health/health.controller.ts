import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { RedisConnection } from '../rate-limits/redis-connection.js';
import { DataSource } from 'typeorm';
import { Public } from '../rights/route-rights.decorator.js';

export class HealthDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status: 'ok';
}

export class ReadinessDto {
  /** `degraded`: ready, but REDIS_URL is set and Redis does not answer, so limits count per instance meanwhile. */
  @ApiProperty({ enum: ['ok', 'degraded'], example: 'ok' })
  status: 'ok' | 'degraded';

  /** Where rate limits and failure limits count now: in Redis for the whole cluster, or in this instance alone. */
  @ApiProperty({ enum: ['redis', 'local'], example: 'redis' })
  rateLimits: 'redis' | 'local';

  /** With REDIS_URL: whether Redis answers. */
  @ApiPropertyOptional({ enum: ['up', 'down'] })
  redis?: 'up' | 'down';
}

const OK: HealthDto = { status: 'ok' };
const READY_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisConnection,
  ) {}

  /** Liveness: the process answers. Touches nothing. */
  @Get()
  @Public()
  live(): HealthDto {
    return OK;
  }

  /**
   * Readiness: 200 when the database answers, 503 when it does not. Redis is not needed: without it
   * the answer says limits count per instance (`rateLimits: local`, and `degraded` when REDIS_URL is set).
   */
  @Get('ready')
  @Public()
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer' })
  async ready(): Promise<ReadinessDto> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
      if (this.redis.store === 'local') return { status: 'ok', rateLimits: 'local' };
      return this.redis.ready ? { status: 'ok', rateLimits: 'redis', redis: 'up' } : { status: 'degraded', rateLimits: 'local', redis: 'down' };
    } catch {
      throw new ServiceUnavailableException('The database does not answer');
    } finally {
      clearTimeout(timer);
    }
  }
}
