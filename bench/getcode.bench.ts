import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon, { type Result } from 'autocannon';
import { QueueClient } from '@azure/storage-queue';
import { TableClient } from '@azure/data-tables';
import type { BenchResult, BenchSection } from './bench-section.js';
import { startAzurite, type AzuriteHandle } from '../test/support/azurite.js';
import { KeyVaultDouble } from '../test/support/key-vault-double.js';
import { testCertificate } from '../test/support/tls.js';
import { freePort } from '../test/support/ports.js';
import { ENTRY, FLASK_SEED_MODULE } from './support/entries.js';
import { LAYOUTS, applyLayout, canPin, layoutNote, serverCpu, startCommand, startNode, stopNode, type Layout } from './support/processes.js';
import { cpuBetween, peakRssMb, treeCpu, treePeakRssMb } from './support/proc.js';
import { ONLY_LAYOUT, QUICK, seconds } from './support/settings.js';
import { mean, percentile, waitForStatus } from './support/http.js';
import { fixed, markdownTable, ratio } from './support/table.js';

// Re-exported for sections written against the old location.
export { startNode, stopNode, productionNodeFlags } from './support/processes.js';

const CONNECTIONS = 32;
const DURATION_S = seconds(10);
const WARMUP_S = seconds(3);
// One per starting server: every server runs first, second and third once (--quick: one round).
const ROUNDS = QUICK ? 1 : 3;
const STARTS = QUICK ? 1 : 3;
const KEY = 'bench-function-key';
const QUEUE = 'code-requests';
const TABLE = 'validcodes';
const TTL_SECONDS = 600;
const PYTHON = '/usr/bin/python3';
/** The number API stand-in's idle close (the Functions host's 5 s), and the app's pause past it. */
const NUMBER_API_IDLE_CLOSE_MS = 5000;
const IDLE_PAUSE_MS = NUMBER_API_IDLE_CLOSE_MS + 1500;
const AFTER_PAUSE_S = 2;
const GUNICORN = '/usr/bin/gunicorn';

type ServerName = 'ref' | 'app' | 'flask';

interface Measured {
  result: Result;
  cpuMsPerRequest: number;
}

interface LayoutResult {
  layout: Layout;
  runs: Record<ServerName, Measured[]>;
  appRss: number;
  refRss: number;
  flaskRss: number;
  flaskSkipped?: string;
  appWritesRow: boolean;
  kvReadsPer1000: number;
  startMs: number[];
  /** The app's first requests after an idle pause longer than the number API's keep-alive. */
  afterPause: Result;
}

/**
 * GET /api/v1/getcode of the real app (as `npm run start:prod` runs it: its Node flags,
 * NODE_ENV=production, the default log level, metrics and tracing at their production defaults;
 * Key Vault as secret store against the protocol double, so Key Vault reads are counted) versus
 * (1) a bare node:http server doing the same I/O calls and (2) the seed's Flask app under gunicorn
 * 1 worker × 8 threads, on the same Azurite, number API stand-in and autocannon load. Rounds
 * alternate to spread drift. Everything is measured in both CPU layouts (pinned and unpinned).
 */
export const getcodeBench: BenchSection = {
  name: 'getcode',
  async run(): Promise<BenchResult> {
    const flaskMissing = missingForFlask();
    const layouts = LAYOUTS.filter((l) => (!ONLY_LAYOUT || l === ONLY_LAYOUT) && (l === 'unpinned' || canPin()));
    const results: LayoutResult[] = [];
    for (const layout of layouts) results.push(await runLayout(layout, flaskMissing));

    const lines: string[] = [
      `Load: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s × ${ROUNDS} rounds per server (after ${WARMUP_S} s warm-up), rounds interleaved, ` +
        'each round starting with the next server (reference → app → Flask, then app → Flask → reference); same Azurite (in memory), number API stand-in and Key Vault double. The app runs with the start:prod Node flags, ' +
        'NODE_ENV=production, the default LOG_LEVEL (info: one line per request), metrics and tracing at their production defaults (off / none).',
    ];
    if (!canPin()) lines.push('', 'Pinned layout skipped: taskset or a second CPU is missing.');
    const targets: BenchResult['targets'] = [];
    for (const r of results) {
      const s = { ref: summarize(r.runs.ref), app: summarize(r.runs.app), flask: summarize(r.runs.flask) };
      const io = r.appWritesRow
        ? 'I/O per request, all three: number API GET, code-table row insert (Azure Table), queue send.'
        : '**The app does not write the code-table row yet** (the lifecycle change is not in this build): the reference and Flask skip it too, so all ' +
          'three do number API GET + queue send. The throughput targets apply after the table write lands.';
      lines.push(
        '',
        `### getcode, ${r.layout}`,
        '',
        layoutNote(r.layout),
        io,
        '',
        ...markdownTable(
          ['server', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'CPU ms/req', 'peak RSS MB'],
          [
            row('bare node:http reference', s.ref, r.refRss),
            row('the app (NestJS)', s.app, r.appRss),
            r.flaskSkipped ? ['seed Flask app (gunicorn 1×8)', `skipped: ${r.flaskSkipped}`, '', '', '', '', '', ''] : row('seed Flask app (gunicorn 1×8)', s.flask, r.flaskRss),
            ['app / reference', ratio(s.app.rps, s.ref.rps), ratio(s.app.p50, s.ref.p50), ratio(s.app.p99, s.ref.p99), '', '', ratio(s.app.cpuMs, s.ref.cpuMs), ratio(r.appRss, r.refRss)],
            ...(r.flaskSkipped ? [] : [['app / Flask', ratio(s.app.rps, s.flask.rps), ratio(s.app.p50, s.flask.p50), ratio(s.app.p99, s.flask.p99), '', '', ratio(s.app.cpuMs, s.flask.cpuMs), '']]),
          ],
        ),
        '',
        `Key Vault reads during the measured runs: ${fixed(r.kvReadsPer1000, 2)} per 1,000 requests. ` +
          `Process start → first getcode answered (API, local secrets, spawn to first 200): ${r.startMs.map((m) => `${fixed(m, 0)} ms`).join(', ')}. ` +
          `After the rounds the app idles ${fixed(IDLE_PAUSE_MS / 1000)} s (the number API stand-in closes idle connections after ${fixed(NUMBER_API_IDLE_CLOSE_MS / 1000)} s, as the Functions host does), ` +
          `then ${CONNECTIONS} connections for ${AFTER_PAUSE_S} s: ${r.afterPause.requests.total} requests, ${r.afterPause.errors + r.afterPause.timeouts} errors, ${r.afterPause.non2xx} non-2xx.`,
      );
      const L = `[${r.layout}]`;
      const cpu = s.app.cpuMs / s.ref.cpuMs;
      const p99 = s.app.p99 / s.ref.p99;
      targets.push({ name: `${L} getcode CPU ms per request vs the bare reference ≤ 1.2×`, ok: cpu <= 1.2, detail: `${ratio(s.app.cpuMs, s.ref.cpuMs)} (${fixed(s.app.cpuMs, 3)} / ${fixed(s.ref.cpuMs, 3)} ms)` });
      targets.push(
        r.flaskSkipped
          ? { name: `${L} getcode CPU ms per request vs the seed's Flask app (gunicorn 1×8) ≤ 0.55×`, ok: false, detail: `skipped: ${r.flaskSkipped}`, skipped: true }
          : { name: `${L} getcode CPU ms per request vs the seed's Flask app (gunicorn 1×8) ≤ 0.55×`, ok: s.app.cpuMs <= 0.55 * s.flask.cpuMs, detail: `${ratio(s.app.cpuMs, s.flask.cpuMs)} (${fixed(s.app.cpuMs, 3)} / ${fixed(s.flask.cpuMs, 3)} ms)` },
      );
      targets.push({ name: `${L} getcode p99 vs the reference ≤ 1.15×`, ok: p99 <= 1.15, detail: ratio(s.app.p99, s.ref.p99) });
      targets.push({ name: `${L} peak RSS at full load ≤ 150 MB`, ok: r.appRss <= 150, detail: `${fixed(r.appRss)} MB (VmHWM; the reference ${fixed(r.refRss)} MB)` });
      const startMedian = percentile(r.startMs, 50);
      targets.push({ name: `${L} process start to first getcode answered (API, local secrets) ≤ 1 s`, ok: startMedian <= 1000, detail: `median ${fixed(startMedian, 0)} ms of ${r.startMs.length}` });
      const pauseBad = r.afterPause.errors + r.afterPause.timeouts + r.afterPause.non2xx;
      targets.push({
        name: `${L} zero errors in the run, including the first requests after an idle pause longer than the number API's keep-alive`,
        ok: s.app.errors + s.app.non2xx + pauseBad === 0,
        detail: `${s.app.errors} errors, ${s.app.non2xx} non-2xx in the rounds; ${pauseBad} of ${r.afterPause.requests.total} after a ${fixed(IDLE_PAUSE_MS / 1000)} s pause (idle close ${fixed(NUMBER_API_IDLE_CLOSE_MS / 1000)} s)`,
      });
      targets.push({ name: `${L} zero Key Vault reads per 1,000 requests after warm-up`, ok: r.kvReadsPer1000 === 0, detail: fixed(r.kvReadsPer1000, 2) });
      targets.push({ name: `${L} the app writes the code-table row before answering (lifecycle; the table targets assume it)`, ok: r.appWritesRow, detail: r.appWritesRow ? 'yes: all three servers do the same 3 I/O calls' : 'no: all three run without it' });
    }
    return { lines, targets };
  },
};

function row(name: string, s: ReturnType<typeof summarize>, rss: number): Array<string | number> {
  return [name, fixed(s.rps), fixed(s.p50), fixed(s.p99), s.errors, s.non2xx, fixed(s.cpuMs, 3), fixed(rss)];
}

async function runLayout(layout: Layout, flaskMissing: string | undefined): Promise<LayoutResult> {
  applyLayout(layout); // this process and every dependency spawned below
  const cpu = serverCpu(layout);
  const azurite = await startAzurite();
  const vault = await new KeyVaultDouble().start();
  vault.secrets.set('third-party-api-key', KEY);
  const caFile = join(mkdtempSync(join(tmpdir(), 'bench-ca-')), 'ca.pem');
  writeFileSync(caFile, (await testCertificate()).cert);
  const queue = new QueueClient(azurite.connectionString, QUEUE);
  await queue.createIfNotExists();
  const table = TableClient.fromConnectionString(azurite.connectionString, TABLE, { allowInsecureConnection: true });
  await table.createTable();
  const procs: ChildProcess[] = [];
  try {
    const numberPort = await freePort();
    procs.push((await startNode(ENTRY.numberApi, [], { NUMBER_API_PORT: String(numberPort), NUMBER_API_KEEP_ALIVE_TIMEOUT_MS: String(NUMBER_API_IDLE_CLOSE_MS), SECRET_THIRD_PARTY_API_KEY: KEY }, /Number API listening/)).child);
    const numberApiUrl = `http://127.0.0.1:${numberPort}/api/RandomNumber`;
    const common = {
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      THROTTLE_LIMIT: '10000000',
      THIRD_PARTY_API_ENDPOINT: numberApiUrl,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    };

    const startMs: number[] = [];
    for (let i = 0; i < STARTS; i++) startMs.push(await startToFirstCode(common, cpu));

    const appPort = await freePort();
    const app = await startNode(ENTRY.api, [], {
      ...common,
      PORT: String(appPort),
      KEY_VAULT_URL: vault.vaultUrl,
      KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'true',
      ...vault.credentialEnv(),
      NODE_EXTRA_CA_CERTS: caFile,
    }, /API listening/, cpu);
    procs.push(app.child);
    const urls: Partial<Record<ServerName, string>> = { app: `http://127.0.0.1:${appPort}/api/v1/getcode` };

    // Does this build's getcode write the code-table row before answering (the lifecycle change)?
    // The references do exactly what the app does, so they write it only if the app does.
    const probe = (await (await fetch(urls.app!)).json()) as { code: string };
    const appWritesRow = await table.getEntity(probe.code, 'code').then(() => true, () => false);

    const refPort = await freePort();
    const reference = await startNode(
      ENTRY.reference,
      [JSON.stringify({ port: refPort, numberApiUrl, key: KEY, connectionString: azurite.connectionString, queueName: QUEUE, tableName: appWritesRow ? TABLE : undefined, ttlSeconds: TTL_SECONDS })],
      {},
      /reference listening/,
      cpu,
    );
    procs.push(reference.child);
    urls.ref = `http://127.0.0.1:${refPort}/api/v1/getcode`;

    let flask: ChildProcess | undefined;
    if (!flaskMissing) {
      const flaskPort = await freePort();
      flask = (await startCommand(
        GUNICORN,
        ['-w', '1', '--threads', '8', '-b', `127.0.0.1:${flaskPort}`, FLASK_SEED_MODULE.module],
        {
          THIRD_PARTY_API_ENDPOINT: numberApiUrl,
          THIRD_PARTY_API_KEY: KEY,
          AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
          STORAGE_QUEUE_NAME: QUEUE,
          CODE_TTL_SECONDS: String(TTL_SECONDS),
          ...(appWritesRow ? { BENCH_CODE_TABLE: TABLE } : {}),
        },
        /Booting worker/,
        cpu,
        { cwd: resolve(FLASK_SEED_MODULE.dir) },
      )).child;
      procs.push(flask);
      urls.flask = `http://127.0.0.1:${flaskPort}/api/v1/getcode`;
      await waitForStatus(urls.flask);
    }
    const pids: Partial<Record<ServerName, number>> = { app: app.child.pid!, ref: reference.child.pid!, flask: flask?.pid };
    const order: ServerName[] = (['ref', 'app', 'flask'] as const).filter((n) => urls[n]);

    for (const name of order) await load(urls[name]!, WARMUP_S);
    const readsAfterWarmup = vault.secretReads;
    const runs: Record<ServerName, Measured[]> = { app: [], ref: [], flask: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts with another server (ref → app → Flask, then app → Flask → ref, …): the
      // shared Azurite slows as it ages, and a fixed order would always hand one server its later state.
      for (const name of [...order.slice(round % order.length), ...order.slice(0, round % order.length)]) {
        await fresh(queue, table, appWritesRow);
        runs[name].push(await measure(urls[name]!, pids[name]!));
      }
    }
    const appRequests = runs.app.reduce((n, m) => n + m.result.requests.total, 0);
    // The keep-alive race: every pooled socket to the number API has idled past the server's close.
    await new Promise((r) => setTimeout(r, IDLE_PAUSE_MS));
    const afterPause = await load(urls.app!, AFTER_PAUSE_S);
    return {
      layout,
      runs,
      appRss: peakRssMb(pids.app!),
      refRss: peakRssMb(pids.ref!),
      flaskRss: flask ? treePeakRssMb(flask.pid!) : Number.NaN,
      flaskSkipped: flaskMissing,
      appWritesRow,
      kvReadsPer1000: ((vault.secretReads - readsAfterWarmup) / Math.max(appRequests, 1)) * 1000,
      startMs,
      afterPause,
    };
  } finally {
    for (const p of procs.reverse()) await stopNode(p);
    await vault.stop();
    await azurite.stop();
    applyLayout('unpinned');
  }
}

/** Empties the queue and the code table between runs, so no run pays for an earlier one's data. */
async function fresh(queue: QueueClient, table: TableClient, withTable: boolean): Promise<void> {
  await queue.clearMessages();
  if (!withTable) return;
  await table.deleteTable();
  await table.createTable();
}

/** Spawn → first 200 from GET /api/v1/getcode, for the API with local secrets (SECRET_*). */
async function startToFirstCode(common: Record<string, string>, cpu: string | undefined): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const app = await startNode(ENTRY.api, [], { ...common, PORT: String(port), SECRET_THIRD_PARTY_API_KEY: KEY }, /./, cpu);
  try {
    await waitForStatus(`http://127.0.0.1:${port}/api/v1/getcode`, 30_000);
    return performance.now() - started;
  } finally {
    await stopNode(app.child);
  }
}

/** What the Flask row needs from this machine; undefined when all of it is there. */
export function missingForFlask(): string | undefined {
  const missing: string[] = [];
  if (!existsSync(GUNICORN)) missing.push('gunicorn (Debian package gunicorn)');
  if (!existsSync(PYTHON)) missing.push('/usr/bin/python3');
  else {
    for (const [mod, pkg] of [['flask', 'python3-flask'], ['requests', 'python3-requests'], ['azure.storage.queue', 'python3-azure-storage'], ['azure.data.tables', 'python3-azure']]) {
      try {
        execFileSync(PYTHON, ['-c', `import ${mod}`], { stdio: 'ignore' });
      } catch {
        missing.push(`${mod} (Debian package ${pkg})`);
      }
    }
  }
  return missing.length ? `missing ${missing.join(', ')}` : undefined;
}

async function measure(url: string, pid: number): Promise<Measured> {
  const before = treeCpu(pid);
  const result = await load(url, DURATION_S);
  const cpu = cpuBetween(before, treeCpu(pid));
  return { result, cpuMsPerRequest: (cpu * 1000) / Math.max(result.requests.total, 1) };
}

function load(url: string, duration: number): Promise<Result> {
  return autocannon({ url, connections: CONNECTIONS, duration, timeout: 10 });
}

function summarize(runs: Measured[]) {
  const m = (f: (x: Measured) => number) => (runs.length ? mean(runs.map(f)) : Number.NaN);
  return {
    rps: m((x) => x.result.requests.average),
    p50: m((x) => x.result.latency.p50),
    p99: m((x) => x.result.latency.p99),
    errors: runs.reduce((s, x) => s + x.result.errors + x.result.timeouts, 0),
    non2xx: runs.reduce((s, x) => s + x.result.non2xx, 0),
    cpuMs: m((x) => x.cpuMsPerRequest),
  };
}

export type { AzuriteHandle };
