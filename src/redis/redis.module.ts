import { Global, Module } from '@nestjs/common';
import { SecretsService } from '../secrets/secrets.service.js';
import { RedisConfig } from './redis.config.js';
import { RedisConnection } from './redis-connection.js';
import { RedisHealthIndicator } from './redis.health.js';

/**
 * The one Redis connection of the process, for every capability configured to use it. Nothing is
 * opened unless one is (THROTTLE_STORE=redis, AUTH_SESSION_STORE=redis).
 */
@Global()
@Module({
  providers: [
    { provide: RedisConnection, inject: [RedisConfig, SecretsService], useFactory: (c: RedisConfig, s: SecretsService) => new RedisConnection(c, s) },
    RedisHealthIndicator,
  ],
  exports: [RedisConnection, RedisHealthIndicator],
})
export class RedisModule {}
