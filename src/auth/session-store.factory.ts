import type { AuthConfig } from './auth.config.js';
import { MemorySessionStore } from './memory-session-store.js';
import { RedisSessionStore } from './redis-session-store.js';
import type { SessionStore } from './session-store.js';
import { TableSessionStore } from './table-session-store.js';
import type { RedisConnection } from '../redis/redis-connection.js';

/** Builds only the store AUTH_SESSION_STORE names (no Table client in memory mode). */
export function createSessionStore(config: AuthConfig, redis?: RedisConnection): SessionStore {
  if (!config.enabled) return new MemorySessionStore();
  switch (config.sessionStore) {
    case 'table':
      return TableSessionStore.fromConfig({
        connectionString: config.sessionTableUrl ? undefined : config.storageConnectionString,
        tableUrl: config.sessionTableUrl,
        table: config.sessionTable,
      });
    case 'memory':
      return new MemorySessionStore();
    case 'redis':
      // The process' one Redis connection (REDIS_*), shared with the throttler.
      if (!redis) throw new Error('AUTH_SESSION_STORE=redis needs the Redis connection');
      return new RedisSessionStore(redis);
  }
}
