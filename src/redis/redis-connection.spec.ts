import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { startFreezableRedis, type FreezableRedisHandle } from '../../test/support/redis-freeze.js';
import { SystemClock } from '../common/clock.js';
import { RedisSessionStore } from '../auth/sessions/redis-session-store.js';
import { BREAKER_THRESHOLD, RedisConnection } from './redis-connection.js';
import { redisConfigSection } from './redis.config.js';
import { RedisUnavailableError } from './redis.errors.js';

describe('RedisConnection breaker (real redis-server, frozen with SIGSTOP)', () => {
  let redis: FreezableRedisHandle;
  let connection: RedisConnection;

  beforeAll(async () => {
    redis = await startFreezableRedis();
    const parsed = redisConfigSection.parse({ REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '200' });
    if (!parsed.ok) throw new Error(parsed.problems.join());
    connection = new RedisConnection(parsed.value, new SystemClock());
    await connection.open();
  });
  afterAll(async () => {
    await connection?.close();
    await redis?.stop();
  });

  it('opens after BREAKER_THRESHOLD timeouts in a row (commands then fail at once, sessions answer 503), logs once, and closes when a probe answers', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const sent = jest.fn(() => connection.client.get('k'));
    try {
      expect(await connection.command(sent)).toBeNull();
      await redis.freeze();
      const outcomes = [];
      for (let i = 0; i < BREAKER_THRESHOLD + 4; i++) outcomes.push(await connection.command(sent).then(() => 'ok', (e: Error) => e.message));
      expect(outcomes).toEqual([...Array(BREAKER_THRESHOLD).fill('Command timed out'), ...Array(4).fill('Redis is unavailable (not answering: the breaker is open).')]);
      // Refused without being sent.
      expect(sent).toHaveBeenCalledTimes(1 + BREAKER_THRESHOLD);
      expect(connection.answering).toBe(false);
      await expect(new RedisSessionStore(connection, new SystemClock()).get('some-session')).rejects.toBeInstanceOf(RedisUnavailableError);
      expect(warn.mock.calls.filter(([m]) => String(m).includes('is not answering'))).toHaveLength(1);
      await redis.thaw();
      for (let i = 0; i < 50 && !connection.answering; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(connection.answering).toBe(true);
      expect(log.mock.calls.some(([m]) => /answers again: 3 command\(s\) timed out, 5 went straight to the fallback/.test(String(m)))).toBe(true);
      expect(await connection.command(sent)).toBeNull();
    } finally {
      await redis.thaw();
      warn.mockRestore();
      log.mockRestore();
    }
  }, 30_000);
});
