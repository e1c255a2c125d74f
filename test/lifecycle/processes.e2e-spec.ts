import request from 'supertest';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { startApp, type RunningApp } from '../support/app.js';
import { spawnEntry, type SpawnedProcess, stopAll } from '../support/processes.js';
import { drainPoison, eventually, freshCode, queueClient, startWatcher, storageEnv, validRows, verify } from './lifecycle-support.js';

/**
 * The watcher as a process (dist/apps/watcher/main.js, built by `npm test`'s pretest): kill -9 mid-batch,
 * SIGTERM mid-batch, and two watchers competing for a burst. Counts, not just "no error".
 */
describe('watcher processes', () => {
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  let running: RunningApp;
  const spawned: SpawnedProcess[] = [];

  const watcherEnv = (extra: Record<string, string> = {}) => ({
    ...storageEnv(azurite),
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    // Every line written at once (no 1 s batch): the scans read the output as it is.
    LOG_FLUSH_MS: '0',
    CODE_TTL_SECONDS: '600',
    ...extra,
  });
  const spawnWatcher = async (extra: Record<string, string> = {}) => {
    const watcher = spawnEntry('apps/watcher/main.js', watcherEnv(extra));
    spawned.push(watcher);
    await watcher.waitFor(/Watcher receiving/);
    return watcher;
  };
  /** Resolves once the process has printed nothing for 500 ms. */
  const quiet = async (watcher: SpawnedProcess) => {
    let last = -1;
    await eventually('the watcher to go quiet', async () => {
      const length = watcher.output().length;
      const unchanged = length === last;
      last = length;
      if (!unchanged) await new Promise((resolve) => setTimeout(resolve, 500));
      return unchanged;
    }, 20_000);
  };
  const count = (output: string, pattern: RegExp) => output.split('\n').filter((line) => pattern.test(line)).length;
  const ACTIVATED = /"msg":"activate → activated /;
  const ALREADY = /"msg":"activate → already-active /;

  /**
   * N codes from a queue-only producer (as the Python sample writes them), all on the queue before
   * any watcher runs: only the watcher's activation makes them valid, which is what these tests crash.
   */
  const produce = async (n: number): Promise<string[]> => {
    const codes = Array.from({ length: n }, () => freshCode());
    const client = queueClient(azurite);
    for (let i = 0; i < n; i += 10) {
      await Promise.all(codes.slice(i, i + 10).map((code) => client.sendMessage(JSON.stringify({ code, timestamp: new Date().toISOString() }))));
    }
    return codes;
  };

  /** N codes issued through getcode over HTTP: their rows exist before any watcher runs. */
  const issue = async (n: number): Promise<string[]> => {
    const codes: string[] = [];
    for (let i = 0; i < n; i += 10) {
      const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => request(running.url).get('/api/v1/getcode').expect(200)));
      codes.push(...batch.map((res) => (res.body as { code: string }).code));
    }
    expect(new Set(codes).size).toBe(n);
    return codes;
  };

  /** Each code verifies true exactly once: returns [trues on first pass, trues on second pass]. */
  const verifyAll = async (codes: string[]): Promise<[number, number]> => {
    const first = await Promise.all(codes.map((code) => verify(running.url, code)));
    const second = await Promise.all(codes.map((code) => verify(running.url, code)));
    return [first.filter(Boolean).length, second.filter(Boolean).length];
  };

  beforeAll(async () => {
    [azurite, numbers] = await Promise.all([startAzurite(), new NumberApiDouble().start()]);
    running = await startApp({ ...storageEnv(azurite), THIRD_PARTY_API_ENDPOINT: numbers.url, SECRET_THIRD_PARTY_API_KEY: numbers.validKey, VERIFY_THROTTLE_LIMIT: '100000', VERIFY_MAX_ATTEMPTS: '100000', THROTTLE_LIMIT: '100000' });
    // The table and queues exist before the watchers race to create them.
    await (await startWatcher(storageEnv(azurite))).close();
  }, 60_000);

  afterEach(() => stopAll(spawned, 'SIGKILL'), 60_000);

  afterAll(async () => {
    await running?.close();
    await numbers?.stop();
    await azurite?.stop();
  }, 60_000);

  it('kill -9 in the middle of a batch: after another watcher takes over, each of the N codes verifies exactly once', async () => {
    const N = 60;
    const codes = await produce(N);
    // Small batches, low concurrency and a short lease so the takeover is quick.
    const first = await spawnWatcher({ WATCHER_BATCH_SIZE: '8', WATCHER_CONCURRENCY: '2', WATCHER_VISIBILITY_TIMEOUT_SECONDS: '3' });
    await first.waitFor(ACTIVATED);
    first.kill('SIGKILL');
    const { signal } = await first.exited();
    expect(signal).toBe('SIGKILL');
    const activatedBeforeCrash = count(first.output(), ACTIVATED);
    expect(activatedBeforeCrash).toBeGreaterThan(0);
    expect(activatedBeforeCrash).toBeLessThan(N);

    const second = await spawnWatcher({ WATCHER_VISIBILITY_TIMEOUT_SECONDS: '3' });
    await eventually(`all ${N} codes valid`, async () => (await validRows(azurite)).size === N, 20_000);
    // A message is logged once settled; wait until the second watcher has nothing left to log.
    await eventually('the queue has no visible message', async () => (await queueClient(azurite).peekMessages()).peekedMessageItems.length === 0, 20_000);
    await quiet(second);
    // No code was activated twice. The dead watcher may have settled up to its 2 in-flight messages
    // without getting to log them; every other code was logged by one of the two.
    const activatedAfter = count(second.output(), ACTIVATED);
    const alreadyAfter = count(second.output(), ALREADY);
    expect(activatedBeforeCrash + activatedAfter).toBeLessThanOrEqual(N);
    expect(activatedBeforeCrash + activatedAfter + alreadyAfter).toBeGreaterThanOrEqual(N - 2);
    expect(await verifyAll(codes)).toEqual([N, 0]);
    expect(await drainPoison(azurite)).toEqual([]);
    console.log(`crash test: N=${N}, activated before kill -9: ${activatedBeforeCrash}, after takeover: ${activatedAfter}, re-seen as already-active: ${count(second.output(), ALREADY)}, verified true once: ${N}`);
  }, 60_000);

  it('SIGTERM in the middle of a batch: the watcher finishes what it holds and exits 0; nothing is lost', async () => {
    const N = 40;
    const codes = await produce(N);
    // A long lease: a message left unsettled would stay hidden for a minute, longer than this test waits.
    const first = await spawnWatcher({ WATCHER_BATCH_SIZE: '8', WATCHER_CONCURRENCY: '8', WATCHER_VISIBILITY_TIMEOUT_SECONDS: '60' });
    await first.waitFor(ACTIVATED);
    first.kill('SIGTERM');
    const { code } = await first.exited();
    expect(code).toBe(0);
    expect(first.output()).toMatch(/Watcher drained: \d+ completed, 0 poisoned, 0 released, 0 failures/);
    const completed = Number(/Watcher drained: (\d+) completed/.exec(first.output())![1]);
    // Every message it received was settled: received = completed.
    expect(count(first.output(), /"msg":"Received \d+ message/)).toBeGreaterThan(0);
    const received = first.output().split('\n').reduce((n, line) => n + Number(/"msg":"Received (\d+) message/.exec(line)?.[1] ?? 0), 0);
    expect(received).toBe(completed);
    expect(completed).toBeLessThan(N);

    await spawnWatcher();
    await eventually(`all ${N} codes valid`, async () => (await validRows(azurite)).size === N, 10_000);
    expect(await verifyAll(codes)).toEqual([N, 0]);
  }, 60_000);

  it('two watchers and a burst of codes from both producers: each queue-only code activated once, each getcode code a no-op, none lost', async () => {
    const N = 120;
    const watchers = await Promise.all([spawnWatcher(), spawnWatcher()]);
    const [queued, issued] = await Promise.all([produce(N / 2), issue(N / 2)]);
    const codes = [...queued, ...issued];
    await eventually(`all ${N} codes valid`, async () => (await validRows(azurite)).size === N, 20_000);
    await eventually('all messages settled', () => watchers.reduce((n, w) => n + count(w.output(), ACTIVATED) + count(w.output(), ALREADY), 0) >= N, 20_000);
    const perWatcher = watchers.map((w) => count(w.output(), ACTIVATED));
    const alreadyPerWatcher = watchers.map((w) => count(w.output(), ALREADY));
    expect(perWatcher[0]! + perWatcher[1]!).toBe(N / 2);
    expect(alreadyPerWatcher[0]! + alreadyPerWatcher[1]!).toBe(N / 2);
    expect(await verifyAll(codes)).toEqual([N, 0]);
    console.log(`two watchers: activations ${perWatcher.join(' + ')} = ${N / 2}, no-ops for getcode rows ${alreadyPerWatcher.join(' + ')} = ${N / 2}`);
  }, 60_000);
});
