import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './login/auth.controller.js';
import { AuthorizationGuard } from './authorization.guard.js';
import { AuditModule } from '../audit/audit.module.js';
import { AuthCache } from './cache/auth-cache.js';
import { AuthFailures } from './verify/auth-failures.js';
import { Authenticator } from './verify/authenticator.js';
import { KeyRateLimits } from './verify/key-rate-limits.js';
import { KeyRestrictions } from './verify/key-restrictions.js';
import { VerificationMetrics } from './verify/verification-metrics.js';
import { RouteAccessCheck } from './route-access-check.js';
import { Session } from './login/sessions/session.entity.js';
import { SessionsRepository } from './login/sessions/sessions.repository.js';
import { SessionsService } from './login/sessions/sessions.service.js';
import { CredentialStrategies } from './verify/strategies/credential-strategies.js';
import { TokensService } from './login/tokens.service.js';
import { ForwardAuth } from './platform/forward-auth.js';
import { ForwardAuthController } from './platform/forward-auth.controller.js';
import { KeyVerifier } from './platform/key-verifier.js';
import { VerifyController } from './platform/verify.controller.js';

@Module({
  imports: [PassportModule, JwtModule.register({}), TypeOrmModule.forFeature([Session]), UsersModule, ApiKeysModule, AuditModule, DiscoveryModule],
  controllers: [AuthController, VerifyController, ForwardAuthController],
  providers: [
    CredentialStrategies,
    AuthCache,
    AuthFailures,
    Authenticator,
    KeyRestrictions,
    KeyRateLimits,
    SessionsRepository,
    SessionsService,
    TokensService,
    { provide: APP_GUARD, useClass: AuthorizationGuard },
    RouteAccessCheck,
    ForwardAuth,
    KeyVerifier,
    VerificationMetrics,
  ],
  exports: [AuthCache, VerificationMetrics],
})
export class AuthModule {}
