import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { Clock, ClockModule } from '../common/clock.js';
import { RedisConnection } from '../redis/redis-connection.js';
import { RedisModule } from '../redis/redis.module.js';
import { RateLimitConfig, rateLimitConfigSection } from './rate-limit.config.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { createRateLimitStorage } from './rate-limit-storage.factory.js';
import { rateLimits } from './rate-limits.js';

/**
 * Rate limiting for every route of the process that imports it: the named limits (`global`,
 * `verify`), their counters (THROTTLE_STORE: per process, or shared by all replicas in Redis with
 * a fail-open to per-replica counters) and the guard.
 */
@Module({
  imports: [
    rateLimitConfigSection.forFeature(),
    ThrottlerModule.forRootAsync({
      imports: [rateLimitConfigSection.forFeature(), ClockModule, RedisModule],
      inject: [RateLimitConfig, RedisConnection, Clock],
      useFactory: async (config: RateLimitConfig, redis: RedisConnection, clock: Clock) => ({
        throttlers: rateLimits(config),
        storage: await createRateLimitStorage(config, redis, clock),
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
