import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { KeygateMetrics } from './keygate-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { RouteDurations } from './route-durations.js';

/** `GET /metrics`. RouteDurations is filled by the RequestObserver that createApp gives Fastify. */
@Module({
  imports: [AuthModule],
  controllers: [MetricsController],
  providers: [KeygateMetrics, { provide: RouteDurations, useFactory: () => new RouteDurations() }],
})
export class MetricsModule {}
