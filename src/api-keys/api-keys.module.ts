import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { ServiceAccountsModule } from '../service-accounts/service-accounts.module.js';
import { UsersModule } from '../users/users.module.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { LastUsedRecorder } from './last-used-recorder.js';
import { LeakReportController } from './leak-report.controller.js';
import { ServiceAccountApiKeysController } from './service-account-api-keys.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKey]), UsersModule, ServiceAccountsModule, AuditModule],
  controllers: [ApiKeysController, ServiceAccountApiKeysController, LeakReportController],
  providers: [ApiKeysRepository, ApiKeysService, LastUsedRecorder],
  exports: [ApiKeysService, LastUsedRecorder],
})
export class ApiKeysModule {}
