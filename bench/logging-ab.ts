import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { pinoHttp, type Options } from 'pino-http';
import { pinoHttpOptions } from '../src/common/logging.module.js';

/**
 * The request logger alone, in one process: the API's pino-http options with pino-http's default
 * serializer wrapping (`wrapSerializers: true`, before) and without (now), each request through the
 * middleware and its "request completed" line into a sink that drops it. Alternating chunks; CPU
 * µs per request (process.cpuUsage).   node .build/bench/logging-ab.js [chunks] [requests per chunk]
 */
const [chunksArg = '10', perChunkArg = '20000'] = process.argv.slice(2);
const sink = new Writable({ write: (_c, _e, done) => done() });
const now = pinoHttpOptions({ logLevel: 'info' });
const before: Options = {
  ...now,
  wrapSerializers: true,
  serializers: {
    req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0], remoteAddress: req.remoteAddress }),
    res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
  },
};
const variants = { before: pinoHttp(before, sink), now: pinoHttp(now, sink) };
const headers = { host: '127.0.0.1:3000', 'user-agent': 'autocannon', accept: '*/*', connection: 'keep-alive' };
const socket = { remoteAddress: '127.0.0.1', remotePort: 50000 };
function one(mw: (req: unknown, res: unknown, next: () => void) => void): void {
  const req = { headers, method: 'GET', url: '/api/v1/getcode', originalUrl: '/api/v1/getcode', socket, query: {}, params: {} };
  const res = Object.assign(new EventEmitter(), { statusCode: 200, setHeader() {}, getHeaders: () => ({}) });
  mw(req, res, () => {});
  res.emit('finish');
}
const chunk = (name: keyof typeof variants, n: number) => {
  const t = process.cpuUsage();
  for (let i = 0; i < n; i++) one(variants[name] as never);
  const u = process.cpuUsage(t);
  return (u.user + u.system) / n;
};
const us = { before: [] as number[], now: [] as number[] };
chunk('before', 5000);
chunk('now', 5000);
for (let i = 0; i < Number(chunksArg); i++) for (const n of i % 2 ? (['now', 'before'] as const) : (['before', 'now'] as const)) us[n].push(chunk(n, Number(perChunkArg)));
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`request logging CPU µs per request (median of ${chunksArg} chunks): wrapped serializers ${med(us.before).toFixed(1)}, raw serializers ${med(us.now).toFixed(1)} (${(med(us.now) / med(us.before)).toFixed(2)}×)`);
