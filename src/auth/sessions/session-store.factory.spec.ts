import { sessionsConfigSection, type SessionsConfig } from './sessions.config.js';
import { MemorySessionStore } from './memory-session-store.js';
import { createSessionStore } from './session-store.factory.js';
import { TableSessionStore } from './table-session-store.js';
import { RedisSessionStore } from './redis-session-store.js';
import { RedisConnection } from '../../redis/redis-connection.js';
import { redisConfigSection } from '../../redis/redis.config.js';
import { SystemClock } from '../../common/clock.js';

const config = (env: Record<string, string>): SessionsConfig => {
  const r = sessionsConfigSection.parse({ PUBLIC_BASE_URL: 'http://localhost:3000', OIDC_CLIENT_ID: 'app', AUTH_PROVIDER: 'dev', ...env });
  if (!r.ok) throw new Error(r.problems.join());
  return r.value;
};

describe('createSessionStore', () => {
  it('table → TableSessionStore (shared by instances), memory → MemorySessionStore', () => {
    expect(createSessionStore(config({ AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }), new SystemClock())).toBeInstanceOf(TableSessionStore);
    expect(createSessionStore(config({ AUTH_SESSION_STORE: 'memory' }), new SystemClock())).toBeInstanceOf(MemorySessionStore);
  });

  it('redis → RedisSessionStore on the given connection (not opened by the factory)', () => {
    const redisConfig = redisConfigSection.parse({ AUTH_SESSION_STORE: 'redis', AUTH_PROVIDER: 'dev', REDIS_URL: 'redis://127.0.0.1:9' });
    if (!redisConfig.ok) throw new Error(redisConfig.problems.join());
    const connection = new RedisConnection(redisConfig.value, new SystemClock());
    expect(createSessionStore(config({ AUTH_SESSION_STORE: 'redis' }), new SystemClock(), connection)).toBeInstanceOf(RedisSessionStore);
    expect(connection.isReady).toBe(false);
  });

  it('AUTH_PROVIDER=none builds no storage client', () => {
    expect(createSessionStore(config({ AUTH_PROVIDER: 'none' }), new SystemClock())).toBeInstanceOf(MemorySessionStore);
  });
});

describe('MemorySessionStore', () => {
  it('expires sessions and deletes by IdP session or subject', async () => {
    const store = new MemorySessionStore(new SystemClock());
    const s = { id: '1', sub: 'u', idpSid: 'sid-1', name: 'U', roles: [], claims: {}, idToken: '', accessToken: '', accessTokenExpiresAt: 0, createdAt: 0, expiresAt: Date.now() + 10_000 };
    await store.put(s);
    await store.put({ ...s, id: '2', idpSid: 'sid-2' });
    await store.put({ ...s, id: '3', expiresAt: Date.now() - 1 });
    expect(await store.get('3')).toBeUndefined();
    expect(await store.deleteWhere({ idpSid: 'sid-1' })).toBe(1);
    expect(await store.get('2')).toBeDefined();
    expect(await store.deleteWhere({ sub: 'u' })).toBe(1);
    expect(await store.deleteWhere({})).toBe(0);
  });
});
