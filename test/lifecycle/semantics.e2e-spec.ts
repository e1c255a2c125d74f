import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { startApp, type RunningApp } from '../support/app.js';
import { drainPoison, eventually, freshCode, queueClient, rowOf, startWatcher, storageEnv, verify, type InProcessWatcher } from './lifecycle-support.js';

/** Duplicates, reordering, concurrent verifies, poison and producer interop, on real Azurite. */
describe('code lifecycle semantics', () => {
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  let running: RunningApp;
  let watcher: InProcessWatcher;
  const TTL = 30;

  const send = (body: string, visibilityTimeout?: number) => queueClient(azurite).sendMessage(body, visibilityTimeout ? { visibilityTimeout } : {});
  const activation = (code: string, issuedAt = new Date(), extra: Record<string, unknown> = {}) => JSON.stringify({ code, timestamp: issuedAt.toISOString(), ...extra });
  const expiry = (code: string, issuedAt: Date, expiresAt: Date) =>
    JSON.stringify({ phase: 'expire', code, timestamp: issuedAt.toISOString(), expiresAt: expiresAt.toISOString() });
  /** Waits until the watcher has settled `n` more messages (completed or poisoned) than `before`. */
  const settled = (before: number, n: number) => eventually(`${n} messages settled`, () => watcher.stats.completed + watcher.stats.poisoned >= before + n);
  const mark = () => watcher.stats.completed + watcher.stats.poisoned;
  const outcomes = () => ({ ...watcher.stats.outcomes });
  const delta = (before: Record<string, number>) =>
    Object.fromEntries(Object.entries(watcher.stats.outcomes).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));

  beforeAll(async () => {
    [azurite, numbers] = await Promise.all([startAzurite(), new NumberApiDouble().start()]);
    const env = storageEnv(azurite, { CODE_TTL_SECONDS: String(TTL), VERIFY_THROTTLE_LIMIT: '100000', VERIFY_MAX_ATTEMPTS: '100000', WATCHER_MAX_MESSAGE_BYTES: '1024', MAX_DEQUEUE_COUNT: '3' });
    running = await startApp({ ...env, THIRD_PARTY_API_ENDPOINT: numbers.url, SECRET_THIRD_PARTY_API_KEY: numbers.validKey });
    watcher = await startWatcher(env);
  }, 60_000);

  afterAll(async () => {
    await watcher?.close();
    await running?.close();
    await numbers?.stop();
    await azurite?.stop();
  }, 60_000);

  describe('duplicates and reordering', () => {
    it('the same code message delivered twice activates once; the code verifies true once', async () => {
      const code = freshCode();
      const body = activation(code);
      const [before, start] = [outcomes(), mark()];
      await send(body);
      await send(body);
      await settled(start, 2);
      expect(delta(before)).toEqual({ activated: 1, 'already-active': 1 });
      expect(await verify(running.url, code)).toBe(true);
      expect(await verify(running.url, code)).toBe(false);
    });

    it('a redelivered activation after the code was used does not make it valid again', async () => {
      const code = freshCode();
      const body = activation(code);
      let start = mark();
      await send(body);
      await settled(start, 1);
      expect(await verify(running.url, code)).toBe(true);
      const before = outcomes();
      start = mark();
      await send(body);
      await settled(start, 1);
      expect(delta(before)).toEqual({ 'already-used': 1 });
      expect(await verify(running.url, code)).toBe(false);
    });

    it('an expiry message processed before its activation does not remove the code early', async () => {
      const code = freshCode();
      const issuedAt = new Date();
      const before = outcomes();
      const start = mark();
      await send(expiry(code, issuedAt, new Date(issuedAt.getTime() + TTL * 1000)));
      await settled(start, 1);
      await send(activation(code, issuedAt));
      await settled(start, 2);
      expect(delta(before)).toEqual({ rescheduled: 1, activated: 1 });
      expect(await verify(running.url, code)).toBe(true);
    });

    it('an activation arriving after its TTL (e.g. behind a due expiry) creates no live row', async () => {
      const code = freshCode();
      const issuedAt = new Date(Date.now() - (TTL + 5) * 1000);
      const before = outcomes();
      const start = mark();
      await send(expiry(code, issuedAt, new Date(issuedAt.getTime() + TTL * 1000)));
      await settled(start, 1);
      await send(activation(code, issuedAt));
      await settled(start, 2);
      expect(delta(before)).toEqual({ absent: 1, 'expired-on-arrival': 1 });
      expect(await rowOf(azurite, code)).toBeUndefined();
      expect(await verify(running.url, code)).toBe(false);
    });

    it("an expiry of an older issuance of the same code string leaves the newer issuance's row", async () => {
      const code = freshCode();
      const older = new Date(Date.now() - (TTL + 5) * 1000);
      const start = mark();
      await send(activation(code));
      await settled(start, 1);
      const before = outcomes();
      await send(expiry(code, older, new Date(older.getTime() + TTL * 1000)));
      await settled(start, 2);
      expect(delta(before)).toEqual({ 'other-issuance': 1 });
      expect(await verify(running.url, code)).toBe(true);
    });

    it('two (and ten) concurrent verifies of one code yield exactly one true', async () => {
      for (const parallel of [2, 10]) {
        const code = freshCode();
        const start = mark();
        await send(activation(code));
        await settled(start, 1);
        const answers = await Promise.all(Array.from({ length: parallel }, () => verify(running.url, code)));
        expect(answers.filter(Boolean)).toHaveLength(1);
      }
    });
  });

  describe('poison', () => {
    it.each([
      ['not JSON', 'hello world', /malformed: body is not JSON/],
      ['broken JSON', '{"code": "abc-1-abc", ', /malformed: body is not JSON/],
      ['a JSON array', '[1,2]', /malformed: body is JSON but not a JSON object/],
      ['a missing code', JSON.stringify({ timestamp: new Date().toISOString() }), /missing field "code"/],
      ['a missing timestamp', JSON.stringify({ code: 'abc-1-abc' }), /missing field "timestamp"/],
      ['a code of the wrong type', JSON.stringify({ code: 161, timestamp: new Date().toISOString() }), /field "code" must be a string/],
      ['a timestamp that is not a date', JSON.stringify({ code: 'abc-1-abc', timestamp: 'yesterday' }), /field "timestamp" is not a date-time/],
      ['an expiry without expiresAt', JSON.stringify({ phase: 'expire', code: 'abc-1-abc', timestamp: new Date().toISOString() }), /missing field "expiresAt"/],
      ['an oversized message', JSON.stringify({ code: 'abc-1-abc', timestamp: new Date().toISOString(), pad: 'x'.repeat(2000) }), /over the 1024-byte limit/],
    ])('%s goes straight to code-requests-poison with its reason, and the loop keeps going', async (_name, body, reason) => {
      await drainPoison(azurite);
      const start = mark();
      const poisonedBefore = watcher.stats.poisoned;
      await send(body);
      const good = freshCode();
      await send(activation(good));
      await settled(start, 2);
      expect(watcher.stats.poisoned - poisonedBefore).toBe(1);
      const [record, ...rest] = await drainPoison(azurite);
      expect(rest).toEqual([]);
      expect(record).toMatchObject({ body, dequeueCount: 1, reason: expect.stringMatching(reason) });
      expect(await verify(running.url, good)).toBe(true);
    });

    it('a message whose earlier deliveries never completed goes to poison after MAX_DEQUEUE_COUNT', async () => {
      await drainPoison(azurite);
      // A second consumer (standing in for watchers that crashed mid-message) takes it three times.
      await watcher.close();
      const body = activation(freshCode());
      await send(body);
      const client = queueClient(azurite);
      for (let i = 0; i < 3; i++) {
        const [item] = (await client.receiveMessages({ numberOfMessages: 1, visibilityTimeout: 30 })).receivedMessageItems;
        await client.updateMessage(item!.messageId, item!.popReceipt, undefined, 0);
      }
      watcher = await startWatcher(storageEnv(azurite, { CODE_TTL_SECONDS: String(TTL), WATCHER_MAX_MESSAGE_BYTES: '1024', MAX_DEQUEUE_COUNT: '3' }));
      await eventually('poisoned', () => watcher.stats.poisoned === 1);
      const [record] = await drainPoison(azurite);
      expect(record).toMatchObject({ body, dequeueCount: 4, reason: expect.stringMatching(/delivered 4 times without completing \(MAX_DEQUEUE_COUNT 3\)/) });
    }, 30_000);
  });

  describe('interop with other producers', () => {
    it('accepts a base64-encoded JSON message (Azure Functions default encoding)', async () => {
      const code = freshCode();
      const start = mark();
      await send(Buffer.from(activation(code), 'utf8').toString('base64'));
      await settled(start, 1);
      expect(await verify(running.url, code)).toBe(true);
    });

    it("accepts the Python sample's body: a dict repr with single quotes and a naive UTC timestamp", async () => {
      const code = freshCode();
      const now = new Date();
      const naive = `${now.toISOString().slice(0, 10)} ${now.toISOString().slice(11, 23)}${'549'}`; // str(datetime.utcnow())
      const start = mark();
      await send(`{'code': '${code}', 'timestamp': '${naive}'}`);
      await settled(start, 1);
      const row = await rowOf(azurite, code);
      expect(row).toMatchObject({ state: 'valid', issuedAt: now.toISOString() });
      expect(await verify(running.url, code)).toBe(true);
    });

    it('accepts and keeps unknown optional fields such as traceparent', async () => {
      const code = freshCode();
      const before = outcomes();
      const start = mark();
      await send(activation(code, new Date(), { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }));
      await settled(start, 1);
      expect(delta(before)).toEqual({ activated: 1 });
      expect(await verify(running.url, code)).toBe(true);
    });
  });
});

describe('repeatedly failing messages', () => {
  it('are retried, then copied to the poison queue with the last error after MAX_DEQUEUE_COUNT; the loop keeps going', async () => {
    const azurite = await startAzurite();
    // The table does not exist (and may not be created): every activation fails with 404 TableNotFound.
    let watcher = await startWatcher(storageEnv(azurite, { CODE_TABLE_NAME: 'missingtable', CODE_TABLE_CREATE_IF_MISSING: 'false', MAX_DEQUEUE_COUNT: '3' }));
    try {
      const body = JSON.stringify({ code: freshCode(), timestamp: new Date().toISOString() });
      await queueClient(azurite).sendMessage(body);
      await eventually('poisoned after 3 failures', () => watcher.stats.poisoned === 1);
      expect(watcher.stats.failed).toBe(3);
      const [record, ...rest] = await drainPoison(azurite);
      expect(rest).toEqual([]);
      expect(record).toMatchObject({ body, dequeueCount: 3, reason: expect.stringMatching(/^failed 3 times \(MAX_DEQUEUE_COUNT 3\); last error: .*404/) });

      await watcher.close();
      watcher = await startWatcher(storageEnv(azurite, { MAX_DEQUEUE_COUNT: '3' }));
      const code = freshCode();
      await queueClient(azurite).sendMessage(JSON.stringify({ code, timestamp: new Date().toISOString() }));
      await eventually('activated once the table exists', async () => (await rowOf(azurite, code)) !== undefined);
    } finally {
      await watcher.close();
      await azurite.stop();
    }
  }, 30_000);
});
