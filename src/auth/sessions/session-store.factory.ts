import type { Clock } from '../../common/clock.js';
import type { RedisConnection } from '../../redis/redis-connection.js';
import { MemorySessionStore } from './memory-session-store.js';
import { RedisSessionStore } from './redis-session-store.js';
import type { SessionStore } from './session-store.js';
import type { SessionsConfig } from './sessions.config.js';
import { TableSessionStore } from './table-session-store.js';

/** Builds only the store AUTH_SESSION_STORE names (no Table client in memory mode, none at all with sign-in off). */
export function createSessionStore(config: SessionsConfig, clock: Clock, redis?: RedisConnection): SessionStore {
  if (!config.enabled) return new MemorySessionStore(clock);
  switch (config.sessionStore) {
    case 'table':
      return TableSessionStore.fromConfig(
        {
          connectionString: config.sessionTableUrl ? undefined : config.storageConnectionString,
          tableUrl: config.sessionTableUrl,
          table: config.sessionTable,
        },
        clock,
      );
    case 'memory':
      return new MemorySessionStore(clock);
    case 'redis':
      // The process' one Redis connection (REDIS_*), shared with the throttler.
      if (!redis) throw new Error('AUTH_SESSION_STORE=redis needs the Redis connection');
      return new RedisSessionStore(redis, clock);
  }
}
