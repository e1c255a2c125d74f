import { RedisSessionStore } from '../../src/auth/sessions/redis-session-store.js';
import { RedisConnection } from '../../src/redis/redis-connection.js';
import { redisConfigSection } from '../../src/redis/redis.config.js';
import { describeSessionStoreContract } from '../auth/support/session-store-contract.js';
import { startRedis, type RedisServerHandle } from '../support/redis.js';
import { SystemClock } from '../../src/common/clock.js';

/** The sessions helper's SessionStore contract suite, on RedisSessionStore and a real redis-server. */
describe('on redis-server', () => {
  let redis: RedisServerHandle;
  let connection: RedisConnection;
  beforeAll(async () => {
    redis = await startRedis();
    const r = redisConfigSection.parse({ AUTH_SESSION_STORE: 'redis', AUTH_PROVIDER: 'dev', REDIS_URL: redis.url });
    if (!r.ok) throw new Error(r.problems.join());
    connection = new RedisConnection(r.value, new SystemClock());
    await connection.open();
  });
  afterAll(async () => {
    await connection?.close();
    await redis?.stop();
  });

  describeSessionStoreContract('redis', () => new RedisSessionStore(connection, new SystemClock()));
});
