import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { startRedis, type RedisServerHandle } from '../../test/support/redis.js';
import { RedisConnection } from '../redis/redis-connection.js';
import { redisConfigSection } from '../redis/redis.config.js';
import { FixedWindowThrottlerStorage } from './fixed-window.storage.js';
import { RedisThrottlerStorage } from './redis.storage.js';
import { createRateLimitStorage as createThrottlerStorage } from './rate-limit-storage.factory.js';
import { rateLimitConfigSection as throttleConfigSection } from './rate-limit.config.js';
import { SystemClock } from '../common/clock.js';

const connectionTo = (url: string) => {
  const r = redisConfigSection.parse({ THROTTLE_STORE: 'redis', REDIS_URL: url, REDIS_COMMAND_TIMEOUT_MS: '300' });
  if (!r.ok) throw new Error(r.problems.join());
  return new RedisConnection(r.value, new SystemClock());
};

describe('createThrottlerStorage', () => {
  it('memory (default) → the in-process fixed window, redis → the shared storage; no connection is opened to build it', async () => {
    const memory = throttleConfigSection.parse({});
    const redis = throttleConfigSection.parse({ THROTTLE_STORE: 'redis' });
    if (!memory.ok || !redis.ok) throw new Error('config');
    const connection = connectionTo('redis://127.0.0.1:9');
    expect(await createThrottlerStorage(memory.value, connection, new SystemClock())).toBeInstanceOf(FixedWindowThrottlerStorage);
    expect(await createThrottlerStorage(redis.value, connection, new SystemClock())).toBeInstanceOf(RedisThrottlerStorage);
    expect(connection.isReady).toBe(false);
    expect(throttleConfigSection.parse({ THROTTLE_STORE: 'disk' })).toMatchObject({ ok: false, problems: ['THROTTLE_STORE: must be one of memory, redis'] });
  });
});

describe('RedisThrottlerStorage (real redis-server)', () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('two storages on two connections count one limit (the package on Nest 12 / throttler 6.7)', async () => {
    const [c1, c2] = [connectionTo(redis.url), connectionTo(redis.url)];
    await Promise.all([c1.open(), c2.open()]);
    try {
      const [s1, s2] = [new RedisThrottlerStorage(c1, new SystemClock()), new RedisThrottlerStorage(c2, new SystemClock())];
      const hits = [];
      for (let i = 0; i < 5; i++) hits.push(await (i % 2 ? s2 : s1).increment('client', 60_000, 4, 60_000, 'default'));
      expect(hits.map((h) => [h.totalHits, h.isBlocked])).toEqual([[1, false], [2, false], [3, false], [4, false], [5, true]]);
      expect(hits[4]!.timeToBlockExpire).toBeGreaterThan(0);
      expect(s1.isDegraded).toBe(false);
      // Keys carry the prefix, apart from sessions and other tenants of the same Redis.
      expect((await c1.client.keys('*')).every((k) => k.startsWith('{ias:throttle:'))).toBe(true);
    } finally {
      await c1.close();
      await c2.close();
    }
  });

  it('Redis down: falls back to in-process counters (still limiting), logs once, logs recovery', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const connection = connectionTo(redis.url);
    await connection.open();
    try {
      const storage = new RedisThrottlerStorage(connection, new SystemClock());
      await storage.increment('k', 60_000, 3, 60_000, 'default');
      await redis.kill();
      const during = [];
      for (let i = 0; i < 5; i++) during.push(await storage.increment('k', 60_000, 3, 60_000, 'default'));
      expect(storage.isDegraded).toBe(true);
      // Fresh in-process window: 3 allowed, then blocked, on this replica alone.
      expect(during.map((h) => h.isBlocked)).toEqual([false, false, false, true, true]);
      const outageLines = warn.mock.calls.filter(([m]) => String(m).includes('Redis unreachable for rate limits'));
      expect(outageLines).toHaveLength(1);
      expect(String(outageLines[0]![0])).toMatch(/failing open to in-process limits/);

      await redis.restart();
      await new Promise<void>((resolve) => connection.client.once('ready', () => resolve()));
      const back = await storage.increment('k', 60_000, 3, 60_000, 'default');
      expect(back).toMatchObject({ totalHits: 1, isBlocked: false });
      expect(storage.isDegraded).toBe(false);
      expect(log.mock.calls.some(([m]) => String(m).includes('rate limits are shared by all replicas again'))).toBe(true);
    } finally {
      warn.mockRestore();
      log.mockRestore();
      await connection.close();
    }
  });
});
