import type { ThrottlerStorage } from '@nestjs/throttler';
import type { RedisConnection } from '../redis/redis-connection.js';
import { FixedWindowThrottlerStorage } from './fixed-window.storage.js';
import type { RateLimitConfig } from './rate-limit.config.js';
import type { Clock } from '../common/clock.js';

/**
 * Builds only the storage THROTTLE_STORE names (no Redis client for `memory`); the Redis storage
 * and its libraries (@nest-lab/throttler-storage-redis, ioredis) are loaded only when named.
 */
export async function createRateLimitStorage(config: Pick<RateLimitConfig, 'store'>, redis: RedisConnection, clock: Clock): Promise<ThrottlerStorage> {
  switch (config.store) {
    case 'memory':
      return new FixedWindowThrottlerStorage(clock);
    case 'redis': {
      const { RedisThrottlerStorage } = await import('./redis.storage.js');
      return new RedisThrottlerStorage(redis, clock);
    }
  }
}
