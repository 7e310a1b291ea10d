import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuditModule } from '../audit/audit.module.js';
import { AuthCache } from './auth-cache.js';
import { AuthFailures } from './auth-failures.js';
import { Authenticator } from './authenticator.js';
import { RouteAccessCheck } from './route-access-check.js';
import { Session } from './sessions/session.entity.js';
import { SessionsRepository } from './sessions/sessions.repository.js';
import { SessionsService } from './sessions/sessions.service.js';
import { ApiKeyStrategy } from './strategies/api-key.strategy.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { TokensService } from './tokens.service.js';

@Module({
  imports: [PassportModule, JwtModule.register({}), TypeOrmModule.forFeature([Session]), UsersModule, ApiKeysModule, AuditModule, DiscoveryModule],
  controllers: [AuthController],
  providers: [
    JwtStrategy,
    ApiKeyStrategy,
    AuthCache,
    AuthFailures,
    Authenticator,
    SessionsRepository,
    SessionsService,
    TokensService,
    { provide: APP_GUARD, useClass: AuthGuard },
    RouteAccessCheck,
  ],
})
export class AuthModule {}
