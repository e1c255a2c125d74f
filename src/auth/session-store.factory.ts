import type { AuthConfig } from './auth.config.js';
import { MemorySessionStore } from './memory-session-store.js';
import type { SessionStore } from './session-store.js';
import { TableSessionStore } from './table-session-store.js';

/** Builds only the store AUTH_SESSION_STORE names (no Table client in memory mode). */
export function createSessionStore(config: AuthConfig): SessionStore {
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
  }
}
