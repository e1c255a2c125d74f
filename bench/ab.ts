import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { QueueClient } from '@azure/storage-queue';
import { TableClient } from '@azure/data-tables';
import { startAzurite } from '../test/support/azurite.js';
import { freePort } from '../test/support/ports.js';
import { ENTRY } from './support/entries.js';
import { productionNodeEnv, productionNodeFlags, startCommand, stopNode, startNode } from './support/processes.js';
import { cpuSeconds, peakRssMb } from './support/proc.js';
import { mean } from './support/http.js';

/**
 * A/B of two builds of the API on a noisy machine, for deciding whether a lever pays:
 *
 *   cp -r dist .build/ab-base   # before the change
 *   npm run prebench            # after it
 *   node .build/bench/ab.js .build/ab-base dist [seconds per round] [rounds]
 *
 * Both builds run side by side (start:prod flags, NODE_ENV=production, default log level, local
 * secrets) on one Azurite and number API; rounds alternate A, B, B, A… under the getcode load
 * (autocannon, 32 connections), and each round reports CPU ms per request from /proc. The ratio
 * B/A of CPU per request is the figure to trust; req/s moves with whatever else the machine runs.
 * Peak RSS (VmHWM) of each is printed at the end.
 *
 * Node flags for one side instead of start:prod's (e.g. the semi-space size): the same dist twice,
 *   BENCH_AB_FLAGS_B='--max-semi-space-size=16' node .build/bench/ab.js dist dist
 */
const [dirA = '.build/ab-base', dirB = 'dist', secondsArg = '8', roundsArg = '4', path = '/api/v1/getcode'] = process.argv.slice(2);
const entryIn = (dir: string) => resolve(dir, ENTRY.api.replace(/^dist\//, ''));

const azurite = await startAzurite();
await new QueueClient(azurite.connectionString, 'code-requests').createIfNotExists();
await TableClient.fromConnectionString(azurite.connectionString, 'validcodes', { allowInsecureConnection: true }).createTable();
const numberPort = await freePort();
const numberApi = await startNode(ENTRY.numberApi, [], { NUMBER_API_PORT: String(numberPort), SECRET_THIRD_PARTY_API_KEY: 'k' }, /Number API listening/);
const flagsOf = (side: 'A' | 'B') => process.env[`BENCH_AB_FLAGS_${side}`]?.split(/\s+/).filter(Boolean) ?? productionNodeFlags();
const start = async (dir: string, side: 'A' | 'B') => {
  const port = await freePort();
  const app = await startCommand(process.execPath, [...flagsOf(side), entryIn(dir)], {
    ...productionNodeEnv(),
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    THROTTLE_LIMIT: '10000000',
    SECRET_THIRD_PARTY_API_KEY: 'k',
    THIRD_PARTY_API_ENDPOINT: `http://127.0.0.1:${numberPort}/api/RandomNumber`,
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
  }, /API listening/);
  return { app, url: `http://127.0.0.1:${port}${path}` };
};
const a = await start(dirA, 'A');
const b = await start(dirB, 'B');
const peak = { A: 0, B: 0 };
const results: Record<'A' | 'B', Array<{ cpu: number; rps: number; p99: number }>> = { A: [], B: [] };
try {
  for (const s of [a, b]) await autocannon({ url: s.url, connections: 32, duration: 3 });
  for (let round = 0; round < Number(roundsArg); round++) {
    const order = round % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const);
    for (const name of order) {
      const s = name === 'A' ? a : b;
      const before = cpuSeconds(s.app.child.pid!);
      const r = await autocannon({ url: s.url, connections: 32, duration: Number(secondsArg) });
      const cpu = ((cpuSeconds(s.app.child.pid!) - before) * 1000) / Math.max(r.requests.total, 1);
      results[name].push({ cpu, rps: r.requests.average, p99: r.latency.p99 });
      console.log(`round ${round} ${name}: ${r.requests.average} req/s, p99 ${r.latency.p99} ms, ${cpu.toFixed(3)} CPU ms/req, ${r.non2xx + r.errors} bad`);
    }
  }
  peak.A = peakRssMb(a.app.child.pid!);
  peak.B = peakRssMb(b.app.child.pid!);
} finally {
  await stopNode(a.app.child);
  await stopNode(b.app.child);
  await stopNode(numberApi.child);
  await azurite.stop();
}
const cA = mean(results.A.map((r) => r.cpu));
const cB = mean(results.B.map((r) => r.cpu));
const perRound = results.A.map((r, i) => (results.B[i]!.cpu / r.cpu).toFixed(2)).join(', ');
console.log(`\nA=${dirA} B=${dirB} ${path}: CPU ms/req A ${cA.toFixed(3)}, B ${cB.toFixed(3)}, B/A ${(cB / cA).toFixed(3)} (per round ${perRound}); req/s A ${mean(results.A.map((r) => r.rps)).toFixed(0)}, B ${mean(results.B.map((r) => r.rps)).toFixed(0)}; peak RSS A ${peak.A.toFixed(1)} MB (${flagsOf('A').join(' ')}), B ${peak.B.toFixed(1)} MB (${flagsOf('B').join(' ')})`);
