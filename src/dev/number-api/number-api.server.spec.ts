import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Agent, request, type Server } from 'node:http';
import { createNumberApiServer } from './number-api.server.js';

describe('number API stand-in (the sample\'s RandomNumber function)', () => {
  let server: Server;
  let base: string;
  let key = 'function-key';

  beforeAll(async () => {
    server = createNumberApiServer({ key: async () => key });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('accepts the key as x-functions-key and answers {"value": n} with n in 1..1000 and no content type', async () => {
    const values = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${base}/api/RandomNumber`, { headers: { 'x-functions-key': key } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBeNull();
      const { value } = (await res.json()) as { value: number };
      expect(Number.isInteger(value) && value >= 1 && value <= 1000).toBe(true);
      values.add(value);
    }
    expect(values.size).toBeGreaterThan(100);
  });

  it('accepts the key as ?code=', async () => {
    expect((await fetch(`${base}/api/RandomNumber?code=${key}`)).status).toBe(200);
  });

  it('answers 401 without the key or with a wrong one, and uses a rotated key at once', async () => {
    expect((await fetch(`${base}/api/RandomNumber`)).status).toBe(401);
    expect((await fetch(`${base}/api/RandomNumber`, { headers: { 'x-functions-key': 'nope' } })).status).toBe(401);
    key = 'rotated';
    expect((await fetch(`${base}/api/RandomNumber?code=function-key`)).status).toBe(401);
    expect((await fetch(`${base}/api/RandomNumber?code=rotated`)).status).toBe(200);
  });

  it('404 elsewhere, 405 for other methods', async () => {
    expect((await fetch(`${base}/api/Other?code=${key}`)).status).toBe(404);
    expect((await fetch(`${base}/api/RandomNumber?code=${key}`, { method: 'DELETE' })).status).toBe(405);
  });

  it('closes an idle keep-alive connection by itself (keepAliveTimeoutMs), as the Functions host does', async () => {
    const short = createNumberApiServer({ key: async () => key, keepAliveTimeoutMs: 150 });
    short.listen(0, '127.0.0.1');
    await once(short, 'listening');
    const agent = new Agent({ keepAlive: true });
    try {
      const closed = await new Promise<boolean>((resolve, reject) => {
        const req = request(`http://127.0.0.1:${(short.address() as AddressInfo).port}/api/RandomNumber?code=${key}`, { agent }, (res) => {
          res.resume();
          res.once('end', () => req.socket!.once('close', () => resolve(true)));
        });
        req.once('error', reject);
        req.end();
      });
      expect(closed).toBe(true);
    } finally {
      agent.destroy();
      short.closeAllConnections();
      await new Promise((r) => short.close(r));
    }
  });
});
