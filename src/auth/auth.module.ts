import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuditModule } from '../audit/audit.module.js';
import { AuthCache } from './auth-cache.js';
import { AuthFailures } from './auth-failures.js';
import { Authenticator } from './authenticator.js';
import { ApiKeyStrategy } from './strategies/api-key.strategy.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { TokensService } from './tokens.service.js';

@Module({
  imports: [PassportModule, JwtModule.register({}), UsersModule, ApiKeysModule, AuditModule],
  controllers: [AuthController],
  providers: [JwtStrategy, ApiKeyStrategy, AuthCache, AuthFailures, Authenticator, TokensService, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
