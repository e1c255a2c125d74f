import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { QueueClient } from '@azure/storage-queue';
import { TableClient } from '@azure/data-tables';
import { startAzurite } from '../test/support/azurite.js';
import { freePort } from '../test/support/ports.js';
import { ENTRY } from './support/entries.js';
import { productionNodeFlags, startCommand, startNode, stopNode } from './support/processes.js';

/**
 * CPU profile of the API under the getcode load, summarised as self time by package.
 *
 *   npm run prebench && node .build/bench/profile.js [seconds] [dist dir]   profile, then summarise
 *   node .build/bench/profile.js summarise <file.cpuprofile>            summarise an existing one
 *
 * The app runs as in the getcode bench (start:prod flags, NODE_ENV=production, default log level,
 * local secrets) plus `--cpu-prof`; autocannon, 32 connections, after a 3 s warm-up. Self time is
 * grouped by npm package (node_modules/<pkg>), "app code" (dist/), Node's own JS by module, native
 * functions by name, GC and "(program)"; idle time is left out of the percentages.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function groupOf(frame: ProfileNode['callFrame']): string | undefined {
  const { url, functionName } = frame;
  if (functionName === '(idle)') return undefined;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)' || functionName === '(root)') return '(program)';
  if (!url) return `native: ${functionName || '(anonymous)'}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').replace(/\/.*$/, '');
  if (url.includes('/dist/') || url.includes('/src/') || url.includes('/ab-base/')) return 'app code';
  return url;
}

export function summarise(profile: CpuProfile): Array<{ group: string; ms: number; share: number }> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const group = groupOf(byId.get(id)!.callFrame);
    if (!group) return;
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    ms.set(group, (ms.get(group) ?? 0) + dt);
    total += dt;
  });
  return [...ms.entries()].map(([group, t]) => ({ group, ms: t, share: t / total })).sort((a, b) => b.ms - a.ms);
}

/** The headline buckets, from the per-package split. */
export function buckets(rows: ReturnType<typeof summarise>): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (k: string, v: number) => (out[k] = (out[k] ?? 0) + v);
  for (const r of rows) {
    const g = r.group;
    if (g === 'GC') add('GC', r.share);
    else if (g === 'axios' || g === 'follow-redirects' || g === 'proxy-from-env' || g === 'form-data') add('axios', r.share);
    else if (g.startsWith('@azure/') || g.startsWith('@typespec/') || g === 'fast-xml-parser' || g === 'strnum') add('Azure SDK pipeline', r.share);
    else if (/^native: (writev|writeUtf8String|writeBuffer|writeLatin1String|writeAsciiString|writeGeneric)/.test(g)) add('socket writes', r.share);
    else if (['express', 'router', 'body-parser', 'path-to-regexp', 'send', 'finalhandler', 'qs', 'helmet', 'cookie-parser'].includes(g) || g.startsWith('@nestjs/')) add('Express + router + Nest (+ helmet)', r.share);
    else if (g === 'pino-http' || g === 'pino' || g === 'nestjs-pino' || g === 'pino-std-serializers' || g === 'fast-redact' || g === 'sonic-boom' || g === '@pinojs/redact') add('pino', r.share);
    else if (g.startsWith('@opentelemetry/')) add('OpenTelemetry', r.share);
    else if (g === 'rxjs') add('rxjs', r.share);
    else if (g === 'app code') add('app code', r.share);
    else if (g.startsWith('node:')) add('Node JS internals', r.share);
    else add('other', r.share);
  }
  return out;
}

function print(file: string, requests?: number): void {
  const rows = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  console.log(`Self time by package (${file}), idle excluded:\n`);
  console.log('| group | self ms | share |\n| --- | --- | --- |');
  for (const r of rows.slice(0, 30)) console.log(`| ${r.group} | ${r.ms.toFixed(0)} | ${(r.share * 100).toFixed(1)} % |`);
  console.log('\nBuckets:\n');
  const totalMs = rows.reduce((t, r) => t + r.ms, 0);
  const perReq = (share: number) => (requests ? ` | ${((share * totalMs * 1000) / requests).toFixed(0)}` : '');
  console.log(`| bucket | share${requests ? ' | CPU µs per request' : ''} |\n| --- | ---${requests ? ' | ---' : ''} |`);
  for (const [k, v] of Object.entries(buckets(rows)).sort((a, b) => b[1] - a[1])) console.log(`| ${k} | ${(v * 100).toFixed(1)} %${perReq(v)} |`);
  if (requests) console.log(`| total (incl. start-up and warm-up) | 100 %${perReq(1)} |`);
}

async function profileUnderLoad(seconds: number, distDir: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-prof-'));
  let requests = 0;
  const azurite = await startAzurite();
  const queue = new QueueClient(azurite.connectionString, 'code-requests');
  await queue.createIfNotExists();
  await TableClient.fromConnectionString(azurite.connectionString, 'validcodes', { allowInsecureConnection: true }).createTable();
  const numberPort = await freePort();
  const numberApi = await startNode(ENTRY.numberApi, [], { NUMBER_API_PORT: String(numberPort), SECRET_THIRD_PARTY_API_KEY: 'k' }, /Number API listening/);
  const port = await freePort();
  const app = await startCommand(process.execPath, [...productionNodeFlags(), '--cpu-prof', `--cpu-prof-dir=${dir}`, resolve(distDir, ENTRY.apiUnbundled.replace(/^dist\//, ''))], {
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    THROTTLE_LIMIT: '10000000',
    SECRET_THIRD_PARTY_API_KEY: 'k',
    THIRD_PARTY_API_ENDPOINT: `http://127.0.0.1:${numberPort}/api/RandomNumber`,
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
  }, /API listening/);
  try {
    const url = `http://127.0.0.1:${port}/api/v1/getcode`;
    const warm = await autocannon({ url, connections: 32, duration: 3 });
    const r = await autocannon({ url, connections: 32, duration: seconds });
    requests = warm.requests.total + r.requests.total;
    console.log(`${r.requests.total} requests in ${seconds} s (${r.requests.average} req/s), ${r.non2xx} non-2xx\n`);
  } finally {
    await stopNode(app.child); // the profile is written at exit
    await stopNode(numberApi.child);
    await azurite.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${dir}`);
  print(join(dir, file), requests);
}

const [cmd, arg] = process.argv.slice(2);
if (cmd === 'summarise' || cmd === 'summarize') print(arg!);
else await profileUnderLoad(Number(cmd ?? 20), arg ?? 'dist');
