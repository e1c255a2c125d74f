import { Agent, request } from 'node:http';
import { KeepAliveNumberApi } from '../support/keep-alive-number-api.js';

type Answer = { status: number; body: string; headers: Record<string, string | string[] | undefined> };

/** One GET through `agent`, as the app's number API client makes it (node:http, keep-alive agent). */
function get(api: KeepAliveNumberApi, agent: Agent, key = api.validKey): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(api.url, { agent, headers: { 'x-functions-key': key } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The keep-alive number API with a 1 s idle close, driven by node:http's keep-alive Agent. */
describe('keep-alive number API (real node:http Agent)', () => {
  let api: KeepAliveNumberApi;
  let agent: Agent;

  beforeEach(async () => {
    api = await new KeepAliveNumberApi({ idleTimeoutMs: 1_000 }).start();
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
  });

  afterEach(async () => {
    agent.destroy();
    await api.stop();
  });

  it('serves the number API and reuses one connection for requests within the idle timeout', async () => {
    expect(await get(api, agent)).toMatchObject({ status: 200, body: '{"value":1}' });
    expect(await get(api, agent)).toMatchObject({ status: 200, body: '{"value":2}' });
    expect(api.connections).toBe(1);
    expect(api.reusedRequests).toBe(1);
    expect((await get(api, agent, 'wrong-key')).status).toBe(401);
  });

  it('closes a connection left idle for the timeout; the next request opens a new one', async () => {
    await get(api, agent);
    await until(() => api.idleCloses === 1 && api.openConnections === 0, 'the idle close');
    expect(await get(api, agent)).toMatchObject({ status: 200 });
    expect(api.connections).toBe(2);
    expect(api.reusedRequests).toBe(0);
  });

  it('resetNextReused() reproduces the race: a request on a reused socket is reset before any byte of an answer', async () => {
    await get(api, agent);
    api.resetNextReused(1);
    const error = await get(api, agent).then(
      () => undefined,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(error?.code).toBe('ECONNRESET');
    expect(api.resets).toBe(1);
    // A retry goes out on a fresh socket and succeeds: what the client's one retry must do.
    expect(await get(api, agent)).toMatchObject({ status: 200 });
    expect(api.connections).toBe(2);
  });

  it('sends no Keep-Alive hint unless asked to (the Functions host sends none)', async () => {
    expect((await get(api, agent)).headers['keep-alive']).toBeUndefined();
    const hinting = await new KeepAliveNumberApi({ idleTimeoutMs: 2_000, advertiseTimeout: true }).start();
    try {
      expect((await get(hinting, new Agent({ keepAlive: true }))).headers['keep-alive']).toBe('timeout=2');
    } finally {
      await hinting.stop();
    }
  });
});
