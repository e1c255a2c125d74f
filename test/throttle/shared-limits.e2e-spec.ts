import { freePort } from '../support/ports.js';
import { spawnEntry, type SpawnedProcess, stopAll } from '../support/processes.js';
import { startRedis, type RedisServerHandle } from '../support/redis.js';

/**
 * Two API processes (node dist/apps/api/main.js) behind one limit. With THROTTLE_STORE=redis they share a
 * counter in a real redis-server; with THROTTLE_STORE=memory (the default, and the only behaviour
 * before the redis store existed) each process counts alone, so N replicas allow N× the limit.
 */
const READINESS_TOKEN = 'readiness-details-token-for-tests';

describe('shared rate limits across API processes (real redis-server, two real processes)', () => {
  const LIMIT = 6;
  let redis: RedisServerHandle;
  const spawned: SpawnedProcess[] = [];

  /** What the API needs to boot; nothing but Redis is contacted by these tests. */
  const baseEnv = (): Record<string, string> => ({
    THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/api/RandomNumber',
    SECRET_THIRD_PARTY_API_KEY: 'unused-number-api-key',
    AZURE_STORAGE_CONNECTION_STRING:
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=' +
      Buffer.from('not-a-real-key').toString('base64') +
      ';QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;',
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    THROTTLE_LIMIT: String(LIMIT),
    // One window for the whole test: no reset can happen in the middle.
    THROTTLE_TTL_SECONDS: '3600',
    // Readiness details (which component, why) are for the metrics-token holder only.
    METRICS_AUTH: 'token',
    SECRET_METRICS_SCRAPE_TOKEN: READINESS_TOKEN,
  });

  const spawnApi = async (extra: Record<string, string>): Promise<{ url: string; process: SpawnedProcess }> => {
    const port = await freePort();
    const process = spawnEntry('apps/api/main.js', { ...baseEnv(), PORT: String(port), ...extra });
    spawned.push(process);
    await process.waitFor(/API listening/);
    return { url: `http://127.0.0.1:${port}`, process };
  };
  const hit = async (url: string): Promise<number> => (await fetch(`${url}/`)).status;

  /** LIMIT requests alternating between two processes, then one more on each. */
  const splitAcrossTwo = async (env: Record<string, string>) => {
    const [a, b] = await Promise.all([spawnApi(env), spawnApi(env)]);
    const within: number[] = [];
    for (let i = 0; i < LIMIT; i++) within.push(await hit(i % 2 === 0 ? a.url : b.url));
    return { within, nextOnA: await hit(a.url), nextOnB: await hit(b.url), a, b };
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  beforeEach(async () => {
    await redis.admin().flushall();
  });
  afterEach(() => stopAll(spawned, 'SIGKILL'));
  afterAll(async () => {
    await redis?.stop();
  });

  it(`THROTTLE_STORE=redis: ${LIMIT} requests split across both processes pass, the next one on either gets 429`, async () => {
    const { within, nextOnA, nextOnB } = await splitAcrossTwo({ THROTTLE_STORE: 'redis', REDIS_URL: redis.url });
    expect(within).toEqual(Array(LIMIT).fill(200));
    expect([nextOnA, nextOnB]).toEqual([429, 429]);
  }, 60_000);

  it('THROTTLE_STORE=memory (per process): the same traffic gets through, each process counted only half of it', async () => {
    const { within, nextOnA, nextOnB } = await splitAcrossTwo({ THROTTLE_STORE: 'memory' });
    expect(within).toEqual(Array(LIMIT).fill(200));
    // This is the per-replica defect the redis store fixes: 2 × LIMIT requests would pass.
    expect([nextOnA, nextOnB]).toEqual([200, 200]);
  }, 60_000);

  it('redis-server killed mid-run: both processes keep answering (in-process limits), say so once, and share limits again when it is back', async () => {
    const { a, b } = await splitAcrossTwo({ THROTTLE_STORE: 'redis', REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '500' });
    await redis.kill();
    const during: number[] = [];
    for (let i = 0; i < 3 * LIMIT; i++) during.push(await hit(i % 2 === 0 ? a.url : b.url));
    // Fail-open to per-process counters: answers, never a 5xx; each process enforces LIMIT on its own.
    expect(during.every((s) => s === 200 || s === 429)).toBe(true);
    expect(during.slice(0, 2 * LIMIT).filter((s) => s === 200)).toHaveLength(2 * LIMIT);
    expect(during.slice(2 * LIMIT)).toEqual(Array(LIMIT).fill(429));
    for (const { process } of [a, b]) {
      await process.waitFor(/Redis unreachable for rate limits .*failing open to in-process limits/);
      // One line for the incident, not one per request.
      expect(process.output().match(/Redis unreachable for rate limits/g)).toHaveLength(1);
    }
    // Readiness stays up: only the throttler uses Redis here, and it has a fallback.
    const anonymous = (await (await fetch(`${a.url}/health/ready`)).json()) as { details?: Record<string, Record<string, unknown>> };
    expect(anonymous.details?.redis).toEqual({ status: 'up' });
    const ready = await fetch(`${a.url}/health/ready`, { headers: { authorization: `Bearer ${READINESS_TOKEN}` } });
    const body = (await ready.json()) as { details?: Record<string, Record<string, unknown>> };
    expect(body.details?.redis).toMatchObject({ status: 'up', reachable: false, fallback: 'in-process rate limits' });

    await redis.restart();
    await Promise.all([a, b].map(({ process }) => process.waitFor(/Redis connection to .* restored/, 20_000)));
    // Counters restart empty in the new redis-server: shared again across both processes.
    const after: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) after.push(await hit(i % 2 === 0 ? a.url : b.url));
    expect(after).toEqual([...Array(LIMIT).fill(200), 429, 429]);
    await a.process.waitFor(/rate limits are shared by all replicas again/);
  }, 90_000);
});
