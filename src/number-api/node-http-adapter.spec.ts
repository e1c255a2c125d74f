import { createServer, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios, { AxiosError, isCancel } from 'axios';
import fc from 'fast-check';
import { nodeHttpAdapter } from './node-http-adapter.js';

describe('nodeHttpAdapter (the number API transport)', () => {
  let server: Server;
  let base: string;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const client = axios.create({ adapter: nodeHttpAdapter, httpAgent: agent, responseType: 'text', transformResponse: (b: unknown) => b, validateStatus: () => true, maxRedirects: 0 });
  const sockets = new Set<unknown>();
  let seenHeaders: Record<string, string | string[] | undefined> = {};
  let resetReusedSeen = 0;
  let resetAllSeen = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      sockets.add(req.socket);
      seenHeaders = req.headers;
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/big') return void res.end('x'.repeat(Number(url.searchParams.get('n'))));
      if (url.pathname === '/slow') return void setTimeout(() => res.end('{"value":1}'), 500);
      if (url.pathname === '/reset') return void req.socket.destroy();
      // Answers on a fresh connection, resets every request that arrives on a reused one.
      if (url.pathname === '/reset-reused') {
        const served = (req.socket as { served?: number }).served ?? 0;
        (req.socket as { served?: number }).served = served + 1;
        resetReusedSeen++;
        if (served > 0) return void req.socket.resetAndDestroy();
        return void res.end('{"value":3}');
      }
      if (url.pathname === '/reset-all') {
        resetAllSeen++;
        return void req.socket.resetAndDestroy();
      }
      if (url.pathname === '/status') return void res.writeHead(Number(url.searchParams.get('s'))).end('no');
      res.setHeader('content-type', 'application/json');
      res.end(`{"value":${url.searchParams.get('v') ?? 7}}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the headers, answers status and text body, and reuses keep-alive connections', async () => {
    sockets.clear();
    for (let i = 0; i < 5; i++) {
      const res = await client.get<string>(`${base}/n?v=${i}`, { headers: { 'x-functions-key': 'k1', traceparent: 'tp' } });
      expect(res.status).toBe(200);
      expect(res.data).toBe(`{"value":${i}}`);
      expect(res.headers['content-type']).toBe('application/json');
    }
    expect(seenHeaders['x-functions-key']).toBe('k1');
    expect(seenHeaders.traceparent).toBe('tp');
    expect(sockets.size).toBe(1);
  });

  it('answers any status when validateStatus accepts it, rejects as axios does when not', async () => {
    expect((await client.get(`${base}/status?s=503`)).status).toBe(503);
    const error = await client.get(`${base}/status?s=404`, { validateStatus: (s) => s === 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AxiosError);
    expect((error as AxiosError).code).toBe('ERR_BAD_REQUEST');
    expect((error as AxiosError).response?.status).toBe(404);
  });

  it('invariant: a body longer than maxContentLength is refused with ERR_FR_MAX_BODY_LENGTH_EXCEEDED, any other is returned whole', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: 0, max: 70_000 }), async (n, limit) => {
        const outcome = await client.get<string>(`${base}/big?n=${n}`, { maxContentLength: limit }).then(
          (r) => r.data.length,
          (e: AxiosError) => e.code,
        );
        expect(outcome).toBe(n > limit ? 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' : n);
      }),
      { numRuns: 40 },
    );
  });

  it('an abort rejects with a cancel at once', async () => {
    const controller = new AbortController();
    const pending = client.get(`${base}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await pending.catch((e: unknown) => e);
    expect(isCancel(error)).toBe(true);
    expect(isCancel(await client.get(`${base}/n`, { signal: AbortSignal.abort() }).catch((e: unknown) => e))).toBe(true);
  });

  it('a reset or refused connection rejects with the socket error code', async () => {
    const reset = (await client.get(`${base}/reset`).catch((e: unknown) => e)) as AxiosError;
    expect(reset).toBeInstanceOf(AxiosError);
    expect(reset.code).toBe('ECONNRESET');
    const refused = (await client.get('http://127.0.0.1:9/').catch((e: unknown) => e)) as AxiosError;
    expect(refused.code).toBe('ECONNREFUSED');
  });

  describe('a reused socket reset before any byte of the answer', () => {
    it('a GET is sent once more, on a fresh connection, and answered', async () => {
      const pool = new Agent({ keepAlive: true, maxSockets: 1 });
      const pooled = axios.create({ adapter: nodeHttpAdapter, httpAgent: pool, responseType: 'text', transformResponse: (b: unknown) => b, validateStatus: () => true });
      try {
        expect((await pooled.get<string>(`${base}/reset-reused`)).data).toBe('{"value":3}');
        resetReusedSeen = 0;
        // Reused → reset; the retry goes out on its own connection, which answers.
        expect((await pooled.get<string>(`${base}/reset-reused`)).data).toBe('{"value":3}');
        expect(resetReusedSeen).toBe(2);
      } finally {
        pool.destroy();
      }
    });

    it('only once: a retry that fails too is the caller’s error; a fresh socket’s reset and a POST are never retried', async () => {
      const pool = new Agent({ keepAlive: true, maxSockets: 1 });
      const pooled = axios.create({ adapter: nodeHttpAdapter, httpAgent: pool, responseType: 'text', transformResponse: (b: unknown) => b, validateStatus: () => true });
      try {
        // A fresh connection reset: not a keep-alive race, no retry.
        resetAllSeen = 0;
        expect(((await pooled.get(`${base}/reset-all`).catch((e: unknown) => e)) as AxiosError).code).toBe('ECONNRESET');
        expect(resetAllSeen).toBe(1);
        // Warm the pool, then a reused socket reset and the retry reset too: two requests, then the error.
        await pooled.get(`${base}/n`);
        resetAllSeen = 0;
        expect(((await pooled.get(`${base}/reset-all`).catch((e: unknown) => e)) as AxiosError).code).toBe('ECONNRESET');
        expect(resetAllSeen).toBe(2);
        await pooled.get(`${base}/n`);
        resetAllSeen = 0;
        expect(((await pooled.post(`${base}/reset-all`, 'x').catch((e: unknown) => e)) as AxiosError).code).toBe('ECONNRESET');
        expect(resetAllSeen).toBe(1);
      } finally {
        pool.destroy();
      }
    });

    it('an agent timeout retires idle pooled sockets but never cuts a request in flight', async () => {
      const pool = new Agent({ keepAlive: true, maxSockets: 1, timeout: 200 });
      const pooled = axios.create({ adapter: nodeHttpAdapter, httpAgent: pool, responseType: 'text', transformResponse: (b: unknown) => b, validateStatus: () => true });
      try {
        // /slow answers after 500 ms, longer than the agent's idle timeout.
        expect((await pooled.get<string>(`${base}/slow`)).data).toBe('{"value":1}');
        expect(Object.values(pool.freeSockets).flat()).toHaveLength(1);
        await new Promise((resolve) => setTimeout(resolve, 400));
        expect(Object.values(pool.freeSockets).flat()).toHaveLength(0);
      } finally {
        pool.destroy();
      }
    });
  });
});
