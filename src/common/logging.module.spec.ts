import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdFor } from './logging.module.js';

function call(header?: string) {
  const set: Record<string, string> = {};
  const req = { headers: header === undefined ? {} : { 'x-request-id': header } } as unknown as IncomingMessage;
  const res = { setHeader: (k: string, v: string) => (set[k] = v) } as unknown as ServerResponse;
  return { id: requestIdFor(req, res), echoed: set['x-request-id'] };
}

describe('requestIdFor', () => {
  it('keeps a sane incoming x-request-id and echoes it', () => {
    expect(call('req-42.a:b')).toEqual({ id: 'req-42.a:b', echoed: 'req-42.a:b' });
  });

  it.each([undefined, '', 'has space', 'x'.repeat(200), '<script>'])('replaces %p with a UUID', (header) => {
    const { id, echoed } = call(header);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(echoed).toBe(id);
  });
});

describe('pinoHttpOptions: the request line', () => {
  async function requestLine(path: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const { createServer } = await import('node:http');
    const { Writable } = await import('node:stream');
    const { pinoHttp } = await import('pino-http');
    const { pinoHttpOptions } = await import('./logging.module.js');
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const middleware = pinoHttp(pinoHttpOptions({ logLevel: 'info' }), sink);
    const server = createServer((req, res) => middleware(req, res, () => res.writeHead(201).end('ok')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      await (await fetch(`http://127.0.0.1:${port}${path}`, { headers })).text();
      for (let i = 0; i < 50 && lines.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    return JSON.parse(lines[0]!) as Record<string, unknown>;
  }

  it('has id, method, path without query and remote address; status; no headers, no query', async () => {
    const line = await requestLine('/auth/callback?code=SECRETCODE&state=s', {
      authorization: 'Bearer SECRETTOKEN',
      cookie: 'app_session=SECRETCOOKIE',
      'x-request-id': 'req-123',
    });
    expect(line.req).toEqual({ id: 'req-123', method: 'GET', url: '/auth/callback', remoteAddress: '127.0.0.1' });
    expect(line.res).toEqual({ statusCode: 201 });
    expect(typeof line.responseTime).toBe('number');
    expect(line.msg).toBe('request completed');
    expect(JSON.stringify(line)).not.toMatch(/SECRET/);
  });

  it('does not log probes', async () => {
    await expect(requestLine('/health/live')).rejects.toThrow();
  });
});

describe('jsonLogDestination: batched info lines, warn and above at once', () => {
  async function setup(flushMs: number) {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { pino } = await import('pino');
    const { jsonLogDestination, flushAtOrAbove, stopBatching } = await import('./logging.module.js');
    const file = join(mkdtempSync(join(tmpdir(), 'log-batch-')), 'out.log');
    const destination = jsonLogDestination(flushMs, file);
    await new Promise((resolve) => destination.once('ready', resolve));
    const logger = pino({ hooks: { logMethod: flushAtOrAbove(destination, pino.levels.values.warn!) } }, destination);
    // Only whole lines: a read can land while the destination is part-way through a write.
    const lines = () => {
      const text = readFileSync(file, 'utf8');
      return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { msg: string }).msg);
    };
    return { logger, destination, lines, close: () => stopBatching(destination) };
  }
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('holds info lines until LOG_FLUSH_MS has passed, then writes them all, in order', async () => {
    // A 1.5 s interval: the "still held" check 50 ms in stays true even on a stalled machine.
    const { logger, lines, close } = await setup(1500);
    logger.info('one');
    logger.info('two');
    await sleep(50);
    expect(lines()).toEqual([]);
    for (let i = 0; i < 80 && lines().length < 2; i++) await sleep(50);
    expect(lines()).toEqual(['one', 'two']);
    close();
  });

  it('a warn line is written at once, with the info lines batched before it', async () => {
    const { logger, lines, close } = await setup(10_000);
    logger.info('before');
    logger.warn('trouble');
    for (let i = 0; i < 50 && lines().length < 2; i++) await sleep(10);
    expect(lines()).toEqual(['before', 'trouble']);
    close();
  });

  it('writes a full batch without waiting for the timer, and the app closing writes the rest', async () => {
    const { LOG_BATCH_BYTES } = await import('./logging.module.js');
    const { logger, lines, close } = await setup(10_000);
    const n = Math.ceil(LOG_BATCH_BYTES / 100) + 5;
    for (let i = 0; i < n; i++) logger.info(`line ${i} ${'x'.repeat(60)}`);
    for (let i = 0; i < 50 && lines().length === 0; i++) await sleep(10);
    expect(lines().length).toBeGreaterThan(0);
    logger.info('last');
    close(); // synchronous: nothing is lost when the app closes
    expect(lines()).toHaveLength(n + 1);
    expect(lines().at(-1)).toBe('last');
  });

  it('LOG_FLUSH_MS=0 writes every line at once', async () => {
    const { logger, lines, close } = await setup(0);
    logger.info('now');
    for (let i = 0; i < 50 && lines().length === 0; i++) await sleep(10);
    expect(lines()).toEqual(['now']);
    close();
  });
});
