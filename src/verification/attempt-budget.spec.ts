import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { startAzurite, type AzuriteHandle } from '../../test/support/azurite.js';
import { startRedis, type RedisServerHandle } from '../../test/support/redis.js';
import { SystemClock } from '../common/clock.js';
import { codeTableConfigSection } from '../code-table/code-table.config.js';
import { RedisConnection } from '../redis/redis-connection.js';
import { redisConfigSection } from '../redis/redis.config.js';
import type { AttemptBudget } from './attempt-budget.js';
import { createAttemptBudget } from './attempt-budget.factory.js';
import { MemoryAttemptBudget } from './memory-attempt-budget.js';
import { RedisAttemptBudget } from './redis-attempt-budget.js';
import { TableAttemptBudget } from './table-attempt-budget.js';
import { verificationConfigSection } from './verification.config.js';

const parsed = <T>(r: { ok: true; value: T } | { ok: false; problems: string[] }): T => {
  if (!r.ok) throw new Error(r.problems.join());
  return r.value;
};

let azurite: AzuriteHandle;
let redis: RedisServerHandle;
let connection: RedisConnection;
let n = 0;
/** A key no other case has used. */
const fresh = () => `subject\nhttps://idp.example\nuser-${++n}-${Date.now()}`;

beforeAll(async () => {
  [azurite, redis] = await Promise.all([startAzurite(), startRedis()]);
  connection = new RedisConnection(parsed(redisConfigSection.parse({ REDIS_URL: redis.url })), new SystemClock());
  await connection.open();
  const table = new TableAttemptBudget(parsed(codeTableConfigSection.parse({ AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString })));
  await (table as unknown as { client: { createTable(): Promise<void> } }).client.createTable();
  stores.table = table;
  stores.redis = new RedisAttemptBudget(connection, new SystemClock());
}, 60_000);

afterAll(async () => {
  await connection?.close();
  await Promise.all([azurite?.stop(), redis?.stop()]);
});

const stores: Record<string, AttemptBudget> = { memory: new MemoryAttemptBudget() };

describe('createAttemptBudget', () => {
  it('table (default) → the code table, redis → Redis; nothing is opened to build them', () => {
    const table = parsed(codeTableConfigSection.parse({ AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }));
    const unopened = new RedisConnection(parsed(redisConfigSection.parse({ REDIS_URL: 'redis://127.0.0.1:9' })), new SystemClock());
    const config = (env: Record<string, string>) => parsed(verificationConfigSection.parse(env));
    expect(createAttemptBudget(config({}), table, unopened, new SystemClock())).toBeInstanceOf(TableAttemptBudget);
    expect(createAttemptBudget(config({ VERIFY_ATTEMPT_STORE: 'redis' }), table, unopened, new SystemClock())).toBeInstanceOf(RedisAttemptBudget);
    expect(unopened.isReady).toBe(false);
    expect(verificationConfigSection.parse({ VERIFY_ATTEMPT_STORE: 'disk' })).toMatchObject({ ok: false, problems: ['VERIFY_ATTEMPT_STORE: must be one of table, redis'] });
  });
});

describe.each(['memory', 'table', 'redis'])('AttemptBudget contract: %s', (name) => {
  const budget = () => stores[name]!;

  it('grants `limit` attempts in a window, numbered 1..limit, then refuses until the window ends', async () => {
    const key = fresh();
    const now = new Date();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await budget().reserve(key, 3, 60_000, now));
    expect(answers.map((a) => (a.granted ? a.taken : 'refused'))).toEqual([1, 2, 3, 'refused']);
    const end = answers[3]!.windowEndsAt.getTime();
    expect(end).toBeGreaterThan(now.getTime() + 50_000);
    expect(end).toBeLessThanOrEqual(now.getTime() + 60_000 + 1000);
  });

  it('release gives one back (never below zero); keys are independent', async () => {
    const key = fresh();
    const other = fresh();
    const now = new Date();
    await budget().reserve(key, 2, 60_000, now);
    await budget().reserve(key, 2, 60_000, now);
    expect((await budget().reserve(other, 2, 60_000, now)).granted).toBe(true);
    expect((await budget().reserve(key, 2, 60_000, now)).granted).toBe(false);
    await budget().release(key, now);
    expect(await budget().reserve(key, 2, 60_000, now)).toMatchObject({ granted: true, taken: 2 });
    const empty = fresh();
    for (let i = 0; i < 3; i++) await budget().release(empty, now);
    expect(await budget().reserve(empty, 1, 60_000, now)).toMatchObject({ granted: true, taken: 1 });
  });

  it('a new window starts once the old one has ended', async () => {
    const key = fresh();
    const start = new Date();
    await budget().reserve(key, 1, 300, start);
    expect((await budget().reserve(key, 1, 300, start)).granted).toBe(false);
    await sleep(400); // Redis ends the window on its own clock
    expect(await budget().reserve(key, 1, 300, new Date(start.getTime() + 400))).toMatchObject({ granted: true, taken: 1 });
  });

  it('invariant: any number of concurrent reservations grant exactly min(n, limit), numbered without gaps or repeats', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 6 }), async (concurrent, limit) => {
        const key = fresh();
        const now = new Date();
        const answers = await Promise.all(Array.from({ length: concurrent }, () => budget().reserve(key, limit, 60_000, now)));
        const taken = answers.filter((a) => a.granted).map((a) => (a as { taken: number }).taken).sort((x, y) => x - y);
        expect(taken).toEqual(Array.from({ length: Math.min(concurrent, limit) }, (_, i) => i + 1));
      }),
      { numRuns: name === 'table' ? 10 : 30 },
    );
  }, 120_000);
});

describe('RedisAttemptBudget without Redis', () => {
  it('counts in this process (still a budget) and says so', async () => {
    const down = new RedisConnection(parsed(redisConfigSection.parse({ REDIS_URL: 'redis://127.0.0.1:9' })), new SystemClock());
    const budget = new RedisAttemptBudget(down, new SystemClock());
    const key = fresh();
    const now = new Date();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await budget.reserve(key, 2, 60_000, now)).granted);
    expect(answers).toEqual([true, true, false]);
    expect(budget.isDegraded).toBe(true);
  });
});
