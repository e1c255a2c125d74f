import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpConfigSection } from '../config/http.config.js';
import { applyServerLimits } from './http-server-limits.js';

describe('applyServerLimits', () => {
  let server: Server;
  afterEach(() => new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve())));

  it('sets the timeouts, the header cap and a checking interval short enough to enforce them', async () => {
    const parsed = httpConfigSection.parse({ HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '70000', HTTP_MAX_HEADER_BYTES: '4096' });
    if (!parsed.ok) throw new Error(parsed.problems.join());
    server = createServer((_req, res) => res.end('ok'));
    applyServerLimits(server, parsed.value);
    expect(server).toMatchObject({ headersTimeout: 2000, requestTimeout: 5000, keepAliveTimeout: 70_000, maxHeaderSize: 4096, connectionsCheckingInterval: 500 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    expect((await fetch(url, { headers: { x: 'a'.repeat(5000) } })).status).toBe(431);
    expect((await fetch(url, { headers: { x: 'a'.repeat(1000) } })).status).toBe(200);
  });

  it('the http section has bounded defaults and refuses a headers timeout longer than the request timeout, naming the variable', () => {
    const defaults = httpConfigSection.parse({});
    expect(defaults.ok && defaults.value).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000, maxHeaderBytes: 16_384 });
    const bad = httpConfigSection.parse({ HTTP_HEADERS_TIMEOUT_MS: '40000' });
    expect(!bad.ok && bad.problems.join()).toMatch(/HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS/);
  });
});
