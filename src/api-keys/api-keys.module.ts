import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { UsersModule } from '../users/users.module.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { LastUsedRecorder } from './last-used-recorder.js';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKey]), UsersModule, AuditModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysRepository, ApiKeysService, LastUsedRecorder],
  exports: [ApiKeysService, LastUsedRecorder],
})
export class ApiKeysModule {}
