import { Global, Module } from '@nestjs/common';
import { SecretsService } from '../secrets/secrets.service.js';
import { RedisConfig, redisConfigSection } from './redis.config.js';
import { RedisConnection } from './redis-connection.js';
import { RedisDoctor } from './redis.doctor.js';
import { RedisHealthIndicator } from './redis.health.js';
import { Clock, ClockModule } from '../common/clock.js';

/**
 * The one Redis connection of the process, for every capability configured to use it. Nothing is
 * opened unless one is (THROTTLE_STORE=redis, AUTH_SESSION_STORE=redis).
 */
@Global()
@Module({
  imports: [redisConfigSection.forFeature(), ClockModule],
  providers: [
    { provide: RedisConnection, inject: [RedisConfig, Clock, SecretsService], useFactory: (c: RedisConfig, clock: Clock, s: SecretsService) => new RedisConnection(c, clock, s) },
    RedisHealthIndicator,
    RedisDoctor,
  ],
  exports: [RedisConnection],
})
export class RedisModule {}
