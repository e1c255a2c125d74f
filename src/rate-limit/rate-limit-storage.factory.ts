import type { ThrottlerStorage } from '@nestjs/throttler';
import type { RedisConnection } from '../redis/redis-connection.js';
import { FixedWindowThrottlerStorage } from './fixed-window.storage.js';
import { RedisThrottlerStorage } from './redis.storage.js';
import type { RateLimitConfig } from './rate-limit.config.js';
import type { Clock } from '../common/clock.js';

/** Builds only the storage THROTTLE_STORE names (no Redis client for `memory`). */
export function createRateLimitStorage(config: Pick<RateLimitConfig, 'store'>, redis: RedisConnection, clock: Clock): ThrottlerStorage {
  switch (config.store) {
    case 'memory':
      return new FixedWindowThrottlerStorage(clock);
    case 'redis':
      return new RedisThrottlerStorage(redis, clock);
  }
}
