import request from 'supertest';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { startApp, type RunningApp } from '../support/app.js';
import { eventually, rowOf, startWatcher, storageEnv, verify, type InProcessWatcher } from './lifecycle-support.js';

/** getcode → queue → watcher → table → verifycode, all real (Azurite, the app over HTTP, the watcher module). */
describe('code lifecycle over HTTP', () => {
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  let running: RunningApp;
  let watcher: InProcessWatcher;

  beforeAll(async () => {
    [azurite, numbers] = await Promise.all([startAzurite(), new NumberApiDouble().start()]);
    const env = storageEnv(azurite, { CODE_TTL_SECONDS: '3', VERIFY_THROTTLE_LIMIT: '1000', VERIFY_MAX_ATTEMPTS: '1000' });
    running = await startApp({ ...env, THIRD_PARTY_API_ENDPOINT: numbers.url, SECRET_THIRD_PARTY_API_KEY: numbers.validKey });
    watcher = await startWatcher(env);
  }, 60_000);

  afterAll(async () => {
    await watcher?.close();
    await running?.close();
    await numbers?.stop();
    await azurite?.stop();
  }, 60_000);

  it('a code verifies true once, then false; after its TTL it is false and its row is gone', async () => {
    const issued = (await request(running.url).get('/api/v1/getcode').expect(200)).body as { code: string; timestamp: string };
    // getcode wrote the row before it answered: no waiting for the watcher.
    const row = await rowOf(azurite, issued.code);
    expect(row).toMatchObject({ state: 'valid', issuedAt: issued.timestamp });
    expect(Date.parse(row!.expiresAt as string) - Date.parse(issued.timestamp)).toBe(3000);

    expect(await verify(running.url, issued.code)).toBe(true);
    expect(await verify(running.url, issued.code)).toBe(false);
    expect(await rowOf(azurite, issued.code)).toMatchObject({ state: 'used' });

    // The expiry message becomes visible at expiresAt and deletes the (used) row.
    await eventually('the expiry removed the row', async () => (await rowOf(azurite, issued.code)) === undefined, 10_000);
    expect(await verify(running.url, issued.code)).toBe(false);
  }, 30_000);

  it('an unused code is false after its TTL and its row is deleted by the expiry message', async () => {
    const issued = (await request(running.url).get('/api/v1/getcode').expect(200)).body as { code: string };
    expect(await rowOf(azurite, issued.code)).toMatchObject({ state: 'valid' });
    await eventually('expired and deleted', async () => (await rowOf(azurite, issued.code)) === undefined, 10_000);
    expect(await verify(running.url, issued.code)).toBe(false);
    expect(watcher.stats.outcomes.deleted).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('unknown codes are false; the answer has the same shape for every reason', async () => {
    const res = await request(running.url).post('/api/v1/verifycode').send({ code: 'zzz-0-zzz' }).expect(200);
    expect(res.body).toEqual({ valid: false });
    const odd = await request(running.url).post('/api/v1/verifycode').send({ code: "a/b#c?'d" }).expect(200);
    expect(odd.body).toEqual({ valid: false });
  });

  it.each([
    ['no body', undefined, /the body is not a JSON object/],
    ['an object without code', { kode: 'abc-1-abc' }, /"code" is required/],
    ['a number for code', { code: 161 }, /"code" must be a string/],
    ['an empty code', { code: '' }, /must not be empty/],
    ['an over-long code', { code: 'x'.repeat(65) }, /at most 64/],
    ['an unexpected field', { code: 'abc-1-abc', extra: 1 }, /unexpected field\(s\): extra/],
    ['an array', [1, 2], /the body is not a JSON object/],
  ])('400 for %s, with a clear message', async (_name, body, message) => {
    const req = request(running.url).post('/api/v1/verifycode');
    const res = await (body === undefined ? req : req.send(body as object)).expect(400);
    expect(res.body).toEqual({ error: 'INVALID_REQUEST', message: expect.stringMatching(message) });
  });

  it('400 for a body that is not JSON', async () => {
    const res = await request(running.url).post('/api/v1/verifycode').set('Content-Type', 'application/json').send('{"code": ').expect(400);
    expect(res.body).toEqual({ error: 'BAD_REQUEST', message: expect.any(String) });
    expect(res.body.message).not.toMatch(/at \w|node_modules/);
  });

  it('is documented in the OpenAPI document', async () => {
    const docs = await request(running.url).get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toContain('/api/v1/verifycode');
  });
});

describe('verifycode rate limit', () => {
  it('answers 429 past VERIFY_THROTTLE_LIMIT per client while other routes keep the default limit', async () => {
    const azurite = await startAzurite();
    const numbers = await new NumberApiDouble().start();
    const running = await startApp({
      ...storageEnv(azurite),
      THIRD_PARTY_API_ENDPOINT: numbers.url,
      SECRET_THIRD_PARTY_API_KEY: numbers.validKey,
      VERIFY_THROTTLE_LIMIT: '3',
      VERIFY_THROTTLE_TTL_SECONDS: '60',
    });
    try {
      for (let i = 0; i < 3; i++) await request(running.url).post('/api/v1/verifycode').send({ code: 'abc-1-abc' }).expect(200);
      const limited = await request(running.url).post('/api/v1/verifycode').send({ code: 'abc-1-abc' }).expect(429);
      expect(limited.headers['retry-after-verify'] ?? limited.headers['retry-after']).toBeDefined();
      for (let i = 0; i < 5; i++) await request(running.url).get('/api/v1/getcode').expect(200);
    } finally {
      await running.close();
      await numbers.stop();
      await azurite.stop();
    }
  }, 30_000);
});
