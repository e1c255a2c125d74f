import type { SpawnedProcess } from '../support/processes.js';
import { spawnApiProcess } from './security-harness.js';
import { startRedis, type RedisServerHandle } from '../support/redis.js';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';

/**
 * Finding 4 (issue 17): a named limit is one budget per client, whatever route spends it. Two real
 * API processes share their counters in a real redis-server (THROTTLE_STORE=redis); one client
 * (one address, TRUST_PROXY=1) spreads its requests over both processes and over every route of
 * the limit: the API's and the panel's verify routes for `verify`, getcode and the panel's "Get a
 * code" for the global limit.
 */
describe('rate limits are keyed by client and limit, not by route (two API processes, real redis-server)', () => {
  const VERIFY_LIMIT = 2;
  const GLOBAL_LIMIT = 6;
  let redis: RedisServerHandle;
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  const spawned: SpawnedProcess[] = [];
  let apis: string[] = [];
  let client = 0;

  const spawnApi = async (): Promise<string> => {
    const api = await spawnApiProcess({
      THIRD_PARTY_API_ENDPOINT: numbers.url,
      SECRET_THIRD_PARTY_API_KEY: numbers.validKey,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      QUEUE_CREATE_IF_MISSING: 'true',
      CODE_TABLE_CREATE_IF_MISSING: 'true',
      TRUST_PROXY: '1',
      THROTTLE_STORE: 'redis',
      REDIS_URL: redis.url,
      THROTTLE_LIMIT: String(GLOBAL_LIMIT),
      THROTTLE_TTL_SECONDS: '3600',
      VERIFY_THROTTLE_LIMIT: String(VERIFY_LIMIT),
      VERIFY_THROTTLE_TTL_SECONDS: '3600',
      // Only the rate limits answer 429 here (no attempt-budget lockout in the way).
      VERIFY_MAX_ATTEMPTS: '1000000',
    });
    spawned.push(api.process);
    return api.url;
  };

  /** One client: its own address for this test (the global limit counts every route it calls: 6 at most per test). */
  let address = '';
  const verifyApi = (url: string) =>
    fetch(`${url}/api/v1/verifycode`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: '{"code":"abc-1-abc"}' });
  const verifyPanel = (url: string) =>
    fetch(`${url}/two-step-verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', 'x-forwarded-for': address },
      body: 'code=abc-1-abc',
    });
  const getcode = (url: string) => fetch(`${url}/api/v1/getcode`, { headers: { 'x-forwarded-for': address } });
  const panelCode = (url: string) =>
    fetch(`${url}/two-step-code`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', 'x-forwarded-for': address },
      body: '',
    });
  const statusOf = async (answer: Promise<Response>) => {
    const res = await answer;
    await res.body?.cancel();
    return res.status;
  };

  beforeAll(async () => {
    [redis, azurite, numbers] = await Promise.all([startRedis(), startAzurite(), new NumberApiDouble().start()]);
    apis = await Promise.all([spawnApi(), spawnApi()]);
  }, 90_000);
  beforeEach(() => {
    address = `198.51.100.${++client}`;
  });
  afterAll(async () => {
    for (const p of spawned.splice(0)) {
      p.kill('SIGKILL');
      await p.exited();
    }
    await Promise.all([redis?.stop(), azurite?.stop(), numbers?.stop()]);
  }, 60_000);

  it('verify: 2 guesses spread over /api/v1/verifycode and /two-step-verify on both processes spend the one limit; the next is 429 on every route and process', async () => {
    const spent: number[] = [];
    for (let i = 0; i < VERIFY_LIMIT; i++) spent.push(await statusOf((i % 2 ? verifyPanel : verifyApi)(apis[Math.floor(i / 2) % 2]!)));
    expect(spent.every((s) => s === 200)).toBe(true);
    const next = [await statusOf(verifyApi(apis[0]!)), await statusOf(verifyPanel(apis[0]!)), await statusOf(verifyApi(apis[1]!)), await statusOf(verifyPanel(apis[1]!))];
    expect(next).toEqual([429, 429, 429, 429]);
  }, 60_000);

  it('global: 6 requests spread over getcode and /two-step-code on both processes spend the one limit; the next is 429 on both routes', async () => {
    const spent: number[] = [];
    for (let i = 0; i < GLOBAL_LIMIT; i++) spent.push(await statusOf((i % 2 ? panelCode : getcode)(apis[Math.floor(i / 2) % 2]!)));
    expect(spent.every((s) => s === 200)).toBe(true);
    expect([await statusOf(getcode(apis[1]!)), await statusOf(panelCode(apis[0]!))]).toEqual([429, 429]);
  }, 60_000);

  it('another client (address) keeps its own budgets', async () => {
    for (let i = 0; i < VERIFY_LIMIT + 1; i++) await statusOf(verifyApi(apis[i % 2]!));
    address = `203.0.113.${client}`;
    expect(await statusOf(verifyPanel(apis[0]!))).toBe(200);
  }, 60_000);
});
