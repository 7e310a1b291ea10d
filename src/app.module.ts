import { Module, type DynamicModule } from '@nestjs/common';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthController } from './health/health.controller.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { loadAccessPolicy } from './rights/access-policy.js';
import { RightsModule } from './rights/rights.module.js';
import { ServiceAccountsModule } from './service-accounts/service-accounts.module.js';
import { UsersModule } from './users/users.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), RightsModule.forRoot(loadAccessPolicy(config.ACCESS_POLICY_FILE), config.ACCESS_POLICY_FILE), DatabaseModule, RateLimitsModule, AuditModule, UsersModule, ServiceAccountsModule, ApiKeysModule, AuthModule, MetricsModule, WebhooksModule],
      controllers: [HealthController],
    };
  }
}
