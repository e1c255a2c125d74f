import { Agent } from 'node:http';
import axios, { type AxiosInstance } from 'axios';
import { freePort } from '../test/support/ports.js';
import { ENTRY } from './support/entries.js';
import { startNode, stopNode } from './support/processes.js';
import { nodeHttpAdapter } from '../src/number-api/node-http-adapter.js';

/**
 * The number API transport alone, in one process: axios's stock http adapter vs nodeHttpAdapter,
 * same keep-alive agent settings and request options as HttpNumberApi, 32 calls in flight against
 * the number API stand-in, in alternating chunks (so machine noise hits both alike). Prints CPU µs
 * per call (process.cpuUsage: this process only; the stand-in runs in its own).
 *
 * Also axios's own `fetch` adapter (undici), the other transport tried.
 *
 *   node .build/bench/transport-ab.js [chunks] [calls per chunk]
 */
const [chunksArg = '12', perChunkArg = '1000'] = process.argv.slice(2);
const port = await freePort();
const numberApi = await startNode(ENTRY.numberApi, [], { NUMBER_API_PORT: String(port), SECRET_THIRD_PARTY_API_KEY: 'k' }, /Number API listening/);
const url = `http://127.0.0.1:${port}/api/RandomNumber`;
const make = (adapter?: 'fetch' | typeof nodeHttpAdapter): AxiosInstance =>
  axios.create({ httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }), ...(adapter ? { adapter } : {}) });
// fetch: axios's own fetch adapter (undici, keep-alive by default), tried as the other lever.
const clients = { stock: make(), lean: make(nodeHttpAdapter), fetch: make('fetch') };
type Name = keyof typeof clients;
const ORDERS: Name[][] = [['stock', 'lean', 'fetch'], ['lean', 'fetch', 'stock'], ['fetch', 'stock', 'lean']];
const call = (client: AxiosInstance) => {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), 3000);
  return client
    .request<string>({
      method: 'GET',
      url,
      headers: { 'x-functions-key': 'k', 'Content-Type': 'application/json', Accept: 'application/json' },
      signal: deadline.signal,
      responseType: 'text',
      transformResponse: (b: unknown) => b,
      validateStatus: () => true,
      maxContentLength: 4096,
      maxRedirects: 0,
    })
    .then((r) => {
      if (r.status !== 200 || typeof JSON.parse(r.data).value !== 'number') throw new Error(`bad answer ${r.status}`);
    })
    .finally(() => clearTimeout(timer));
};
const chunk = async (client: AxiosInstance, n: number) => {
  let left = n;
  const worker = async () => {
    while (left-- > 0) await call(client);
  };
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: 32 }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
};
const us: Record<Name, number[]> = { stock: [], lean: [], fetch: [] };
try {
  await chunk(clients.stock, 500);
  await chunk(clients.lean, 500);
  await chunk(clients.fetch, 500);
  for (let i = 0; i < Number(chunksArg); i++) {
    for (const name of ORDERS[i % 3]!) us[name].push(await chunk(clients[name], Number(perChunkArg)));
  }
} finally {
  await stopNode(numberApi.child);
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`CPU µs per number API call (median of ${chunksArg} chunks × ${perChunkArg}): stock axios http adapter ${med(us.stock).toFixed(0)}, nodeHttpAdapter ${med(us.lean).toFixed(0)} (${(med(us.lean) / med(us.stock)).toFixed(2)}×), axios fetch adapter ${med(us.fetch).toFixed(0)} (${(med(us.fetch) / med(us.stock)).toFixed(2)}×)`);
console.log(`per chunk stock: ${us.stock.map((x) => x.toFixed(0)).join(' ')}\nper chunk lean:  ${us.lean.map((x) => x.toFixed(0)).join(' ')}\nper chunk fetch: ${us.fetch.map((x) => x.toFixed(0)).join(' ')}`);
