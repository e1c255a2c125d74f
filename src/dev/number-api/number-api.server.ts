import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomInt, timingSafeEqual, createHash } from 'node:crypto';

export interface NumberApiServerOptions {
  /** The accepted function key, read per request so a rotated key applies at once. */
  key: () => Promise<string>;
  /** Route of the function, as Azure Functions exposes it. */
  path?: string;
  /** Idle close of keep-alive connections (default 5 s, the Functions host's). */
  keepAliveTimeoutMs?: number;
}

/**
 * A stand-in for the sample's `RandomNumber` Azure Function (HTTP trigger, authLevel function):
 * the key is accepted as the `x-functions-key` header or the `?code=` query parameter, anything
 * else gets 401; the answer is `{"value": n}`, n uniform in 1..1000, with no content type (as the
 * Python function sets none).
 */
export function createNumberApiServer(options: NumberApiServerOptions): Server {
  const path = options.path ?? '/api/RandomNumber';
  const server = createServer((req, res) => {
    handle(req, res, path, options).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5000;
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, path: string, options: NumberApiServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname.toLowerCase() !== path.toLowerCase()) {
    res.writeHead(404).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'POST') {
    res.writeHead(405, { Allow: 'GET, POST' }).end();
    return;
  }
  req.resume();
  const header = req.headers['x-functions-key'];
  const presented = (typeof header === 'string' ? header : undefined) ?? url.searchParams.get('code') ?? '';
  if (!sameSecret(presented, await options.key())) {
    res.writeHead(401).end();
    return;
  }
  const body = JSON.stringify({ value: randomInt(1, 1001) });
  // Explicitly no Content-Type, like the sample's function.
  res.writeHead(200, { 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return expected.length > 0 && timingSafeEqual(a, b);
}
