import request from 'supertest';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { freePort } from '../support/ports.js';
import { spawnEntry, type SpawnedProcess } from '../support/processes.js';
import { startWatcher, storageEnv } from './lifecycle-support.js';

/**
 * Issue 10's figure as a test with counts, no timing assertion: 3 API processes and 2 watcher
 * processes on Azurite, production back-off (WATCHER_POLL_MAX_MS 60 s), 24 concurrent clients, each
 * verifying at once the code it just got from another API process. Before, only 80 of 600 did.
 */
describe('first verify right after issue, 3 APIs + 2 watchers', () => {
  const CLIENTS = 24;
  const ROUNDS = 25; // 24 × 25 = 600 codes
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  const apis: string[] = [];
  const spawned: SpawnedProcess[] = [];

  beforeAll(async () => {
    [azurite, numbers] = await Promise.all([startAzurite(), new NumberApiDouble().start()]);
    // Production defaults for the watcher's polling: only the storage plumbing comes from the test.
    const env = {
      ...storageEnv(azurite),
      WATCHER_POLL_MIN_MS: '100',
      WATCHER_POLL_MAX_MS: '60000',
      WATCHER_RETRY_BASE_SECONDS: '2',
      WATCHER_VISIBILITY_TIMEOUT_SECONDS: '60',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info', // the 'API listening' and 'Watcher receiving' lines
      THIRD_PARTY_API_ENDPOINT: numbers.url,
      SECRET_THIRD_PARTY_API_KEY: numbers.validKey,
      THROTTLE_LIMIT: '1000000',
      VERIFY_THROTTLE_LIMIT: '1000000',
    };
    await (await startWatcher(storageEnv(azurite))).close(); // table and queues exist before the race
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    const started = ports.map((port) => {
      const api = spawnEntry('apps/api/main.js', { ...env, PORT: String(port), HOST: '127.0.0.1' });
      spawned.push(api);
      apis.push(`http://127.0.0.1:${port}`);
      return api.waitFor(/API listening/, 40_000);
    });
    const watchers = [0, 1].map(() => {
      const watcher = spawnEntry('apps/watcher/main.js', env);
      spawned.push(watcher);
      return watcher.waitFor(/Watcher receiving/, 40_000);
    });
    await Promise.all([...started, ...watchers]);
  }, 120_000);

  afterAll(async () => {
    for (const p of spawned) p.kill('SIGKILL');
    await Promise.all(spawned.map((p) => p.exited()));
    await numbers?.stop();
    await azurite?.stop();
  }, 60_000);

  const getcode = async (api: string) => (await request(api).get('/api/v1/getcode').expect(200)).body as { code: string };
  const verifyOnce = async (api: string, code: string) => (await request(api).post('/api/v1/verifycode').send({ code }).expect(200)).body.valid as boolean;

  it(`${CLIENTS} concurrent clients × ${ROUNDS} rounds: every code verifies true on the first try at another API process`, async () => {
    const firstTry = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        let trues = 0;
        for (let round = 0; round < ROUNDS; round++) {
          const from = (client + round) % apis.length;
          const { code } = await getcode(apis[from]!);
          if (await verifyOnce(apis[(from + 1) % apis.length]!, code)) trues++;
        }
        return trues;
      }),
    );
    const total = firstTry.reduce((a, b) => a + b, 0);
    console.log(`first verify right after issue: ${total} of ${CLIENTS * ROUNDS} true`);
    expect(total).toBe(CLIENTS * ROUNDS);
  }, 180_000);

  it('after 70 s of quiet (the watchers backed off towards 60 s), a new code verifies at once', async () => {
    await new Promise((resolve) => setTimeout(resolve, 70_000));
    const { code } = await getcode(apis[0]!);
    expect(await verifyOnce(apis[1]!, code)).toBe(true);
  }, 120_000);
});
