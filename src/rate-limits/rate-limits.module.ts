import { Global, Module } from '@nestjs/common';
import { RateLimiters } from './rate-limiters.js';
import { RedisConnection } from './redis-connection.js';

/** Where limits count: Redis (REDIS_URL) for the whole cluster, else each instance's memory. Nothing else uses Redis. */
@Global()
@Module({ providers: [RedisConnection, RateLimiters], exports: [RedisConnection, RateLimiters] })
export class RateLimitsModule {}
