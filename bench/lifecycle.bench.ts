import { performance } from 'node:perf_hooks';
import autocannon, { type Result } from 'autocannon';
import { QueueClient } from '@azure/storage-queue';
import { TableClient } from '@azure/data-tables';
import type { BenchResult, BenchSection } from './bench-section.js';
import { startAzurite, type AzuriteHandle } from '../test/support/azurite.js';
import { freePort } from '../test/support/ports.js';
import { fixed, markdownTable, ratio } from './support/table.js';
import type { ChildProcess } from 'node:child_process';
import { startNode, stopNode } from './support/processes.js';
import { QUICK, seconds } from './support/settings.js';
import { ENTRY } from './support/entries.js';
import { AzureTableCodeTable } from '../src/code-table/azure-table-code-table.js';
import { codeTableConfigSection } from '../src/code-table/code-table.config.js';
import { loadConfig } from '../src/config/load-config.js';

const MESSAGES = QUICK ? 500 : 2000;
const ROUNDS = 2;
const BATCH = 32;
const LOAD_S = seconds(10);
const CONNECTIONS = 32; // as the getcode section
const SAMPLERS = 4;
const KEY = 'bench-function-key';

/**
 * Code lifecycle: (1) the watcher process draining a pre-filled queue versus bare
 * receive→process→delete loop processes (bench/lifecycle-bare-loop.ts) with as many messages in
 * flight, each run on a fresh Azurite, alternating order, both timed from the
 * consumer's ready line until the queue shows no visible message; (2) issue-to-verifiable latency: under autocannon
 * getcode load, samplers take codes from getcode and poll the table's read path (not consuming) until
 * verify would accept them.
 */
export const lifecycleBench: BenchSection = {
  name: 'Code lifecycle',
  async run(): Promise<BenchResult> {
    const runs: Record<Consumer, number[]> = { seed: [], minimal: [], watcher: [] };
    // Rotating order, so drift on this shared machine does not favour one side.
    const kinds: Consumer[] = ['seed', 'watcher', 'minimal'];
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < kinds.length; k++) {
        const kind = kinds[(k + round) % kinds.length]!;
        runs[kind].push(await drainRun(kind));
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const watcherRate = mean(runs.watcher);
    const bareRate = mean(runs.seed);
    const minimalRate = mean(runs.minimal);
    const azurite = await startAzurite();
    let latency: LatencyPhase[];
    try {
      latency = await latencyUnderLoad(azurite);
    } finally {
      await azurite.stop();
    }
    const expiry = await expiryLagUnderLoad();
    const lines = [
      `Throughput: ${MESSAGES} getcode-format messages pre-filled per run, ${ROUNDS} rounds in rotating order, a fresh in-memory Azurite per run; ` +
        `bare loops: batch ${BATCH}, all ${BATCH} in flight; the watcher: its defaults (batch 16, up to 32 in flight). ` +
        'The watcher also decodes and checks each message, holds leases, and turns the message into its expiry message in place.',
      '',
      ...markdownTable(
        ['consumer', 'messages/s (per round)', 'mean messages/s'],
        [
          ['bare loop: receive → insert + send expiry (seed 001) → delete', runs.seed.map((r) => fixed(r)).join(', '), fixed(bareRate)],
          ['bare loop: receive → insert → delete (no expiry)', runs.minimal.map((r) => fixed(r)).join(', '), fixed(minimalRate)],
          ['the watcher (dist/apps/watcher/main.js)', runs.watcher.map((r) => fixed(r)).join(', '), fixed(watcherRate)],
          ['watcher / seed loop', '', ratio(watcherRate, bareRate)],
          ['watcher / no-expiry loop', '', ratio(watcherRate, minimalRate)],
        ],
      ),
      '',
      `Latency: the app, the number API stand-in and one watcher (defaults, WATCHER_POLL_MAX_MS=1000) on one in-memory Azurite; autocannon ${CONNECTIONS} connections on ` +
        `GET /api/v1/getcode for ${LOAD_S} s per phase; ${SAMPLERS} samplers take codes from getcode and time its answer until the table's read path would accept them (not consuming).`,
      '',
      ...markdownTable(
        ['load', 'getcode req/s', 'errors', 'codes sampled', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'never verifiable'],
        latency.map((l) => [
          l.label,
          fixed(l.load.requests.average),
          l.load.non2xx + l.load.errors + l.load.timeouts,
          l.samples.length,
          fixed(pct(l.samples, 50)),
          fixed(pct(l.samples, 90)),
          fixed(pct(l.samples, 99)),
          fixed(Math.max(...l.samples)),
          l.missing,
        ]),
      ),
    ];
    lines.push(
      '',
      `Expiry lag: the app, the number API stand-in and one watcher (CODE_TTL_SECONDS=${EXPIRY_TTL_S}, WATCHER_POLL_MAX_MS=1000) on a fresh in-memory Azurite; autocannon ${CONNECTIONS} connections on ` +
        `getcode kept running until every sampled code is gone; one code sampled every ${EXPIRY_SAMPLE_EVERY_MS} ms for ${EXPIRY_SAMPLING_S} s, its row's expiresAt read from the table, then the row polled every ${EXPIRY_POLL_MS} ms until deleted.`,
      '',
      ...markdownTable(
        ['figure', 'getcode req/s', 'codes sampled', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'never deleted (within 60 s)', 'no row ever (expired before the watcher activated it)'],
        [['watcher expiry lag (expiresAt → row deleted) under the getcode load', fixed(expiry.rps), expiry.lags.length, fixed(pct(expiry.lags, 50)), fixed(pct(expiry.lags, 90)), fixed(pct(expiry.lags, 99)), fixed(Math.max(...expiry.lags)), expiry.notDeleted, expiry.noRow]],
      ),
    );
    const p99 = pct(latency[0]!.samples, 99);
    return {
      lines,
      targets: [
        { name: 'watcher throughput ≥ 0.8× the bare receive→process→delete loop (seed 001 processing)', ok: watcherRate >= 0.8 * bareRate, detail: ratio(watcherRate, bareRate) },
        { name: 'issue-to-verifiable p99 ≤ 1 s under the getcode section load', ok: p99 <= 1000 && latency[0]!.missing === 0, detail: `${fixed(p99)} ms, ${latency[0]!.missing} never verifiable` },
      ],
    };
  },
};

/**
 * One throughput run on its own fresh Azurite (in memory, so earlier runs cannot slow it): fill the
 * queue, start the consumer process, time from its ready line until no message is visible, then
 * check that every code got its row.
 */
type Consumer = 'seed' | 'minimal' | 'watcher';

async function drainRun(kind: Consumer): Promise<number> {
  const azurite = await startAzurite();
  const queueName = 'code-requests';
  const tableName = 'validcodes';
  try {
    const queue = new QueueClient(azurite.connectionString, queueName);
    await queue.create();
    const table = TableClient.fromConnectionString(azurite.connectionString, tableName, { allowInsecureConnection: true });
    await table.createTable();
    const issuedAt = new Date().toISOString();
    for (let i = 0; i < MESSAGES; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, MESSAGES - i) }, (_, j) => queue.sendMessage(JSON.stringify({ code: `abc-${i + j}-xyz`, timestamp: issuedAt }))));
    }
    const consumer =
      kind === 'watcher'
        ? await startNode(ENTRY.watcher, [], watcherEnv(azurite), /Watcher receiving/)
        : await startNode(ENTRY.bareLoop, [JSON.stringify({ connectionString: azurite.connectionString, queueName, tableName, batch: BATCH, mode: kind })], {}, /bare loop receiving/);
    const started = performance.now();
    let elapsed = 0;
    try {
      for (;;) {
        const { peekedMessageItems } = await queue.peekMessages({ numberOfMessages: 1 });
        if (peekedMessageItems.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      elapsed = performance.now() - started;
    } finally {
      await stopNode(consumer.child);
    }
    let rows = 0;
    for await (const _ of table.listEntities({ queryOptions: { select: ['PartitionKey'] } })) rows++;
    if (rows !== MESSAGES) throw new Error(`${kind}: ${rows} rows for ${MESSAGES} messages`);
    return MESSAGES / (elapsed / 1000);
  } finally {
    await azurite.stop();
  }
}

function watcherEnv(azurite: AzuriteHandle, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    WATCHER_POLL_MAX_MS: '1000',
    ...extra,
  };
}

interface LatencyPhase {
  label: string;
  load: Result;
  samples: number[];
  missing: number;
}

/**
 * The app, the number API stand-in and a watcher as processes on one Azurite. Phase 1: autocannon
 * at the getcode section's load (${CONNECTIONS} connections, as fast as it goes); phase 2: half
 * that rate. Before each phase the queue is drained, so a phase starts without backlog.
 */
async function latencyUnderLoad(azurite: AzuriteHandle): Promise<LatencyPhase[]> {
  const numberPort = await freePort();
  const numberApi = await startNode(ENTRY.numberApi, [], { NUMBER_API_PORT: String(numberPort), SECRET_THIRD_PARTY_API_KEY: KEY }, /Number API listening/);
  const appPort = await freePort();
  const storage = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, QUEUE_CREATE_IF_MISSING: 'true', CODE_TABLE_CREATE_IF_MISSING: 'true' };
  const app = await startNode(ENTRY.api, [], {
    ...storage,
    PORT: String(appPort),
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    THROTTLE_LIMIT: '10000000',
    SECRET_THIRD_PARTY_API_KEY: KEY,
    THIRD_PARTY_API_ENDPOINT: `http://127.0.0.1:${numberPort}/api/RandomNumber`,
  }, /API listening/);
  const watcher = await startNode(ENTRY.watcher, [], watcherEnv(azurite, storage), /Watcher receiving/);
  const table = new AzureTableCodeTable(loadConfig(storage, [codeTableConfigSection]).get(codeTableConfigSection));
  const queue = new QueueClient(azurite.connectionString, 'code-requests');
  const url = `http://127.0.0.1:${appPort}/api/v1/getcode`;

  const drained = async () => {
    const deadline = performance.now() + 120_000;
    while ((await queue.peekMessages({ numberOfMessages: 1 })).peekedMessageItems.length > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const phase = async (label: string, overallRate?: number): Promise<LatencyPhase> => {
    await drained();
    const samples: number[] = [];
    let missing = 0;
    let loading = true;
    const sampler = async () => {
      while (loading) {
        const res = await fetch(url);
        if (res.status !== 200) continue;
        const { code } = (await res.json()) as { code: string };
        const answered = performance.now();
        const deadline = answered + 15_000;
        for (;;) {
          if (await table.isLive(code, new Date())) {
            samples.push(performance.now() - answered);
            break;
          }
          if (performance.now() > deadline) {
            missing++;
            break;
          }
          // 25 ms: finer polling by 4 samplers would itself load the table the watcher writes to.
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const samplers = Array.from({ length: SAMPLERS }, sampler);
    const load = await autocannon({ url, connections: CONNECTIONS, duration: LOAD_S, timeout: 10, ...(overallRate ? { overallRate } : {}) });
    loading = false;
    await Promise.all(samplers);
    return { label, load, samples, missing };
  };

  try {
    await autocannon({ url, connections: CONNECTIONS, duration: 2 }); // warm-up
    const full = await phase('getcode section load (as fast as it goes)');
    const half = await phase('half that rate', Math.max(1, Math.round(full.load.requests.average / 2)));
    return [full, half];
  } finally {
    for (const p of [watcher, app, numberApi]) await stopNode(p.child);
  }
}

// Long enough that a code is activated before it expires even with a backlog on a loaded 2-core machine.
const EXPIRY_TTL_S = 10;
const EXPIRY_SAMPLING_S = QUICK ? 4 : 8;
const EXPIRY_SAMPLE_EVERY_MS = 400;
const EXPIRY_POLL_MS = 100;

/**
 * expiresAt → row deletion, under the getcode load: the watcher must delete each row when its
 * expiry comes due even while getcode floods the queue. A short TTL keeps the run bounded.
 */
async function expiryLagUnderLoad(): Promise<{ lags: number[]; notDeleted: number; noRow: number; rps: number }> {
  const azurite = await startAzurite();
  const numberPort = await freePort();
  const storage = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, QUEUE_CREATE_IF_MISSING: 'true', CODE_TABLE_CREATE_IF_MISSING: 'true', CODE_TTL_SECONDS: String(EXPIRY_TTL_S) };
  const procs: ChildProcess[] = [];
  try {
    procs.push((await startNode(ENTRY.numberApi, [], { NUMBER_API_PORT: String(numberPort), SECRET_THIRD_PARTY_API_KEY: KEY }, /Number API listening/)).child);
    const appPort = await freePort();
    procs.push((await startNode(ENTRY.api, [], {
      ...storage,
      PORT: String(appPort),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      THROTTLE_LIMIT: '10000000',
      SECRET_THIRD_PARTY_API_KEY: KEY,
      THIRD_PARTY_API_ENDPOINT: `http://127.0.0.1:${numberPort}/api/RandomNumber`,
    }, /API listening/)).child);
    procs.push((await startNode(ENTRY.watcher, [], watcherEnv(azurite, storage), /Watcher receiving/)).child);
    const table = TableClient.fromConnectionString(azurite.connectionString, 'validcodes', { allowInsecureConnection: true });
    const url = `http://127.0.0.1:${appPort}/api/v1/getcode`;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const lags: number[] = [];
    let notDeleted = 0;
    let noRow = 0;
    let result: Result | undefined;
    const instance = autocannon({ url, connections: CONNECTIONS, duration: 120, timeout: 10 }, (_e, r) => (result = r));
    const track = async (code: string) => {
      const deadline = Date.now() + 60_000;
      let expiresAt: number | undefined;
      while (expiresAt === undefined && Date.now() < deadline) {
        expiresAt = await table.getEntity<{ expiresAt: string }>(code, 'code').then((e) => Date.parse(e.expiresAt), () => undefined);
        if (expiresAt === undefined) await sleep(EXPIRY_POLL_MS);
      }
      if (expiresAt === undefined) return void noRow++;
      await sleep(Math.max(0, expiresAt - Date.now()));
      while (Date.now() < deadline) {
        const gone = await table.getEntity(code, 'code').then(() => false, (e: { statusCode?: number }) => e.statusCode === 404);
        if (gone) return void lags.push(Date.now() - expiresAt);
        await sleep(EXPIRY_POLL_MS);
      }
      notDeleted++;
    };
    const trackers: Array<Promise<void>> = [];
    await sleep(1000); // load under way
    const until = Date.now() + EXPIRY_SAMPLING_S * 1000;
    while (Date.now() < until) {
      const res = await fetch(url);
      if (res.status === 200) trackers.push(track(((await res.json()) as { code: string }).code));
      await sleep(EXPIRY_SAMPLE_EVERY_MS);
    }
    await Promise.all(trackers);
    instance.stop();
    for (let i = 0; i < 100 && !result; i++) await sleep(50);
    return { lags, notDeleted, noRow, rps: result?.requests.average ?? Number.NaN };
  } finally {
    for (const p of procs.reverse()) await stopNode(p);
    await azurite.stop();
  }
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
