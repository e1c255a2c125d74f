import request from 'supertest';
import { startAzurite, type AzuriteHandle } from './support/azurite.js';
import { NumberApiDouble } from './support/number-api-double.js';
import { getcodeEnv, startApp } from './support/app.js';
import { freePort } from './support/ports.js';
import { spawnEntry } from './support/processes.js';
import { drainQueue } from './support/queue.js';

describe('the API as a process (node dist/apps/api/main.js)', () => {
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;

  beforeAll(async () => {
    [azurite, numbers] = await Promise.all([startAzurite(), new NumberApiDouble().start()]);
  });

  afterAll(async () => {
    await numbers.stop();
    await azurite.stop();
  });

  const env = (port: number) => ({
    PORT: String(port),
    HOST: '127.0.0.1',
    ...getcodeEnv(azurite, numbers),
  });

  it('refuses to start on bad configuration, naming each variable, and exits 1', async () => {
    const app = spawnEntry('apps/api/main.js', { PORT: 'eighty', QUEUE_MESSAGE_ENCODING: 'utf7' });
    const { code } = await app.exited();
    expect(code).toBe(1);
    expect(app.output()).toContain('Invalid configuration');
    expect(app.output()).toMatch(/PORT: /);
    expect(app.output()).toMatch(/THIRD_PARTY_API_ENDPOINT: is required/);
    expect(app.output()).toMatch(/QUEUE_MESSAGE_ENCODING: /);
    expect(app.output()).not.toMatch(/\n\s+at /); // no stack trace for a configuration mistake
  });

  it('names the port when it is already in use', async () => {
    const port = await freePort();
    const first = spawnEntry('apps/api/main.js', env(port));
    await first.waitFor(/API listening/);
    const second = spawnEntry('apps/api/main.js', env(port));
    expect((await second.exited()).code).toBe(1);
    expect(second.output()).toContain(`port ${port} is already in use`);
    first.kill();
    await first.exited();
  });

  it('on SIGTERM finishes the request in flight (its code is queued and returned), then exits 0', async () => {
    await drainQueue(azurite.connectionString, 'code-requests');
    const port = await freePort();
    const app = spawnEntry('apps/api/main.js', env(port));
    await app.waitFor(/API listening/);
    numbers.behaviour = { kind: 'slow', delayMs: 800 };
    try {
      const inFlight = request(`http://127.0.0.1:${port}`).get('/api/v1/getcode');
      const answered = inFlight.then((res) => res);
      await new Promise((r) => setTimeout(r, 200));
      app.kill('SIGTERM');
      const res = await answered;
      expect(res.status).toBe(200);
      expect((await app.exited()).code).toBe(0);
      const queued = (await drainQueue(azurite.connectionString, 'code-requests')).map((b) => JSON.parse(b));
      expect(queued).toEqual([res.body]);
    } finally {
      numbers.behaviour = { kind: 'ok' };
      app.kill('SIGKILL');
    }
  });
});

describe('rate limiting', () => {
  it('answers 429 JSON with Retry-After past THROTTLE_LIMIT, and never throttles health probes', async () => {
    const azurite = await startAzurite();
    const numbers = await new NumberApiDouble().start();
    const running = await startApp(getcodeEnv(azurite, numbers, { THROTTLE_LIMIT: '3', THROTTLE_TTL_SECONDS: '60' }));
    try {
      for (let i = 0; i < 3; i++) await request(running.url).get('/api/v1/getcode').expect(200);
      const limited = await request(running.url).get('/api/v1/getcode').expect(429);
      expect(limited.body).toEqual({ error: 'TOO_MANY_REQUESTS', message: expect.any(String) });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(await drainQueue(azurite.connectionString, 'code-requests')).toHaveLength(3);
      for (let i = 0; i < 10; i++) await request(running.url).get('/health/live').expect(200);
    } finally {
      await running.close();
      await numbers.stop();
      await azurite.stop();
    }
  });
});
