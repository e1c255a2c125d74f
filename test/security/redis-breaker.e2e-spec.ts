import type { SpawnedProcess } from '../support/processes.js';
import { spawnApiProcess, UNREACHABLE_PARTS } from './security-harness.js';
import { startFreezableRedis, type FreezableRedisHandle } from '../support/redis-freeze.js';

const COMMAND_TIMEOUT_MS = 400;
/** Timeouts in a row that open the breaker (RedisConnection's BREAKER_THRESHOLD). */
const THRESHOLD = 3;

/**
 * Finding 8 (issue 17): a Redis that hangs (SIGSTOP: connections stay open, nothing answers) made
 * every request wait for the command timeout. The connection's breaker opens after a few
 * timeouts in a row: from then on callers go straight to their documented fallback (in-process
 * rate limits and attempt budgets; sessions answer 503 at once) until a probe answers, and it says
 * so once. Two real API processes, a real redis-server frozen by SIGSTOP.
 */
describe('Redis breaker: a hung redis-server (SIGSTOP), two API processes', () => {
  let redis: FreezableRedisHandle;
  const spawned: SpawnedProcess[] = [];
  let apis: { url: string; process: SpawnedProcess }[] = [];

  const spawnApi = async () => {
    const api = await spawnApiProcess({
      ...UNREACHABLE_PARTS,
      LOG_FLUSH_MS: '0',
      THROTTLE_STORE: 'redis',
      VERIFY_ATTEMPT_STORE: 'redis',
      REDIS_URL: redis.url,
      REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS),
      THROTTLE_LIMIT: '100000',
    });
    spawned.push(api.process);
    await api.process.waitFor(/Redis connected/);
    return api;
  };

  beforeAll(async () => {
    redis = await startFreezableRedis();
    apis = await Promise.all([spawnApi(), spawnApi()]);
  }, 60_000);

  afterAll(async () => {
    for (const p of spawned.splice(0)) {
      p.kill('SIGKILL');
      await p.exited();
    }
    await redis?.stop();
  });

  it('after 3 timeouts in a row each process stops asking the hung Redis (no more timeouts), serves from its fallback, says so once, and shares again once a probe answers', async () => {
    expect((await fetch(`${apis[0]!.url}/`)).status).toBe(200);
    await redis.freeze();
    const statuses: number[] = [];
    try {
      for (let i = 0; i < 24; i++) statuses.push((await fetch(`${apis[i % 2]!.url}/`)).status);
    } finally {
      await redis.thaw();
    }
    // Every request answered, from the in-process fallback.
    expect(statuses).toEqual(Array(24).fill(200));
    for (const { process } of apis) {
      await process.waitFor(/Redis at .* answers again/, 20_000);
      const output = process.output();
      // One line for the incident when the breaker opened, one when it closed.
      expect(output.match(/Redis at .* is not answering/g)).toHaveLength(1);
      const closed = /Redis at .* answers again: (\d+) command\(s\) timed out, (\d+) went straight to the fallback/.exec(output);
      expect(closed).not.toBeNull();
      // Only the first THRESHOLD requests waited for the timeout; the other 9 of this process's 12 did not ask Redis.
      expect(Number(closed![1])).toBe(THRESHOLD);
      expect(Number(closed![2])).toBeGreaterThanOrEqual(12 - THRESHOLD);
    }
    // Shared again: both processes count in Redis.
    await fetch(`${apis[0]!.url}/`);
    expect((await redis.admin().keys('{ias:throttle:*')).length).toBeGreaterThan(0);
  }, 90_000);
});
