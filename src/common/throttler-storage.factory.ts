import type { ThrottlerStorage } from '@nestjs/throttler';
import type { RedisConnection } from '../redis/redis-connection.js';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';
import type { ThrottleConfig } from './throttler.config.js';
import type { Clock } from './clock.js';

/** Builds only the storage THROTTLE_STORE names (no Redis client for `memory`). */
export function createThrottlerStorage(config: ThrottleConfig, redis: RedisConnection, clock: Clock): ThrottlerStorage {
  switch (config.store) {
    case 'memory':
      return new FixedWindowThrottlerStorage(clock);
    case 'redis':
      return new RedisThrottlerStorage(redis, clock);
  }
}
