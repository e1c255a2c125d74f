import { connect, type Socket } from 'node:net';
import type { SpawnedProcess } from '../support/processes.js';
import { spawnApiProcess, UNREACHABLE_PARTS } from './security-harness.js';

/** What a raw connection received until the server closed it (or `waitMs` passed: then `closed` is false). */
function rawExchange(port: number, send: (socket: Socket) => void, waitMs: number): Promise<{ closed: boolean; received: string }> {
  return new Promise((resolve) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => send(socket));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, received });
    }, waitMs);
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, received });
    });
  });
}

/**
 * Finding 8 (issue 17), the HTTP edge of the API process (node dist/apps/api/main.js): slow
 * clients are bounded (header, request and keep-alive timeouts, a header size cap, all set from
 * the http section), and the request log names the client as Express derived it with TRUST_PROXY
 * (`req.ip`), not the proxy's socket address.
 */
describe('HTTP edge of the API process: slow clients, header size, the request log’s address', () => {
  let api: SpawnedProcess;
  let port: number;

  beforeAll(async () => {
    ({ port, process: api } = await spawnApiProcess({
      ...UNREACHABLE_PARTS,
      LOG_FLUSH_MS: '0',
      TRUST_PROXY: '1',
      HTTP_HEADERS_TIMEOUT_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: '2000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '75000',
      HTTP_MAX_HEADER_BYTES: '8192',
    }));
  }, 60_000);

  afterAll(async () => {
    api?.kill('SIGKILL');
    await api?.exited();
  });

  it('a client trickling its headers is answered 408 and disconnected after HTTP_HEADERS_TIMEOUT_MS', async () => {
    const outcome = await rawExchange(port, (s) => s.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '), 10_000);
    expect(outcome.closed).toBe(true);
    expect(outcome.received).toMatch(/^HTTP\/1\.1 408 /);
  }, 20_000);

  it('a client trickling its body is answered 408 and disconnected after HTTP_REQUEST_TIMEOUT_MS', async () => {
    const outcome = await rawExchange(
      port,
      (s) => s.write('POST /api/v1/verifycode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"co'),
      10_000,
    );
    expect(outcome.closed).toBe(true);
    expect(outcome.received).toMatch(/^HTTP\/1\.1 408 /);
  }, 20_000);

  it('keeps idle connections for HTTP_KEEP_ALIVE_TIMEOUT_MS (above a proxy’s 60 s upstream idle time) and says so', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/health/live`);
    await res.body?.cancel();
    expect(res.headers.get('keep-alive')).toBe('timeout=75');
  });

  it('refuses headers larger than HTTP_MAX_HEADER_BYTES with 431', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/health/live`, { headers: { 'x-filler': 'a'.repeat(9000) } });
    expect(res.status).toBe(431);
    const fits = await fetch(`http://127.0.0.1:${port}/health/live`, { headers: { 'x-filler': 'a'.repeat(6000) } });
    expect(fits.status).toBe(200);
  });

  it('the request log names the client address Express derived (TRUST_PROXY=1: the rightmost X-Forwarded-For entry)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/?probe=log-address`, { headers: { 'x-forwarded-for': '10.9.9.9, 203.0.113.77' } });
    await res.body?.cancel();
    await api.waitFor(/"url":"\/".*203\.0\.113\.77|203\.0\.113\.77.*"url":"\/"/, 5_000).catch(() => undefined);
    const line = api
      .output()
      .split('\n')
      .find((l) => l.includes('"req":') && l.includes('"url":"/"') && l.includes('"remoteAddress"'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!).req.remoteAddress).toBe('203.0.113.77');
  });
});
