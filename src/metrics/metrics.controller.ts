import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { Right } from '../rights/right.js';
import { RequireRights } from '../rights/route-rights.decorator.js';
import { KeygateMetrics } from './keygate-metrics.js';

/** Outside the `/api` prefix, where Prometheus looks by default. */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: KeygateMetrics) {}

  /**
   * Prometheus metrics: keygate's own (`keygate_*`: verifications, the auth cache, request
   * durations per route, change notifications, the database pool) and the process's. For
   * system administrators and system-level service accounts holding `RIGHT_METRICS_READ`.
   */
  @Get()
  @RequireRights(Right.METRICS_READ)
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiProduces(Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOkResponse({ description: 'The Prometheus text exposition format', schema: { type: 'string' } })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
