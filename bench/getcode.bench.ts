import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon, { type Result } from 'autocannon';
import { QueueClient } from '@azure/storage-queue';
import type { BenchResult, BenchSection } from './bench-section.js';
import { startAzurite } from '../test/support/azurite.js';
import { KeyVaultDouble } from '../test/support/key-vault-double.js';
import { testCertificate } from '../test/support/tls.js';
import { freePort } from '../test/support/ports.js';
import { cpuSeconds, peakRssMb } from './support/proc.js';
import { fixed, markdownTable, ratio } from './support/table.js';

const CONNECTIONS = 32;
const DURATION_S = 10;
const WARMUP_S = 3;
const ROUNDS = 2;
const KEY = 'bench-function-key';
const QUEUE = 'code-requests';

interface Measured {
  result: Result;
  cpuMsPerRequest: number;
}

/**
 * GET /api/v1/getcode of the real app (Key Vault provider against the protocol double, so Key Vault
 * reads are counted) versus a bare node:http server doing the same two I/O calls, against the same
 * Azurite and number API, under the same autocannon load. Rounds alternate to spread drift.
 */
export const getcodeBench: BenchSection = {
  name: 'getcode',
  async run(): Promise<BenchResult> {
    // The server under test gets a CPU of its own; this process (autocannon, the Key Vault double)
    // and the dependencies it spawns (Azurite, the number API) share the other. Otherwise the
    // figures mostly measure how the load generator and Azurite steal CPU from the server.
    const pinned = pinSelf('0');
    const azurite = await startAzurite({ table: false });
    const vault = await new KeyVaultDouble().start();
    vault.secrets.set('third-party-api-key', KEY);
    const caFile = join(mkdtempSync(join(tmpdir(), 'bench-ca-')), 'ca.pem');
    writeFileSync(caFile, (await testCertificate()).cert);
    const queue = new QueueClient(azurite.connectionString, QUEUE);
    await queue.createIfNotExists();

    const numberPort = await freePort();
    const numberApi = await startNode('dist/dev/number-api/main.js', [], {
      NUMBER_API_PORT: String(numberPort),
      SECRET_THIRD_PARTY_API_KEY: KEY,
    }, /Number API listening/);
    const numberApiUrl = `http://127.0.0.1:${numberPort}/api/RandomNumber`;

    const appPort = await freePort();
    const app = await startNode('dist/apps/api/main.js', [], {
      PORT: String(appPort),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      THROTTLE_LIMIT: '10000000',
      KEY_VAULT_URL: vault.vaultUrl,
      KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'true',
      ...vault.credentialEnv(),
      NODE_EXTRA_CA_CERTS: caFile,
      THIRD_PARTY_API_ENDPOINT: numberApiUrl,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    }, /API listening/, pinned ? '1' : undefined);

    const refPort = await freePort();
    const reference = await startNode(
      '.build/bench/reference-server.js',
      [JSON.stringify({ port: refPort, numberApiUrl, key: KEY, connectionString: azurite.connectionString, queueName: QUEUE })],
      {},
      /reference listening/,
      pinned ? '1' : undefined,
    );

    try {
      const appUrl = `http://127.0.0.1:${appPort}/api/v1/getcode`;
      const refUrl = `http://127.0.0.1:${refPort}/api/v1/getcode`;
      await load(refUrl, WARMUP_S);
      await load(appUrl, WARMUP_S);
      const readsAfterWarmup = vault.secretReads;
      const runs: { app: Measured[]; ref: Measured[] } = { app: [], ref: [] };
      for (let round = 0; round < ROUNDS; round++) {
        await queue.clearMessages();
        runs.ref.push(await measure(refUrl, reference.child.pid!));
        await queue.clearMessages();
        runs.app.push(await measure(appUrl, app.child.pid!));
      }
      const appRequests = runs.app.reduce((n, m) => n + m.result.requests.total, 0);
      const kvReadsPer1000 = ((vault.secretReads - readsAfterWarmup) / Math.max(appRequests, 1)) * 1000;
      const a = summarize(runs.app);
      const r = summarize(runs.ref);
      const appRss = peakRssMb(app.child.pid!);
      const refRss = peakRssMb(reference.child.pid!);
      const lines = [
        `Load: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s × ${ROUNDS} rounds per server (after ${WARMUP_S} s warm-up), same Azurite (in memory) and number API.`,
        pinned
          ? 'CPU layout: the server under test (app or reference) alone on CPU 1; autocannon, Azurite, the number API and the Key Vault double on CPU 0.'
          : 'CPU layout: unpinned (taskset or a second CPU is missing): load generator and dependencies compete with the server under test.',
        '',
        ...markdownTable(
          ['server', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'CPU ms/req', 'peak RSS MB'],
          [
            ['bare node:http reference', fixed(r.rps), fixed(r.p50), fixed(r.p99), r.errors, r.non2xx, fixed(r.cpuMs, 3), fixed(refRss)],
            ['the app (NestJS)', fixed(a.rps), fixed(a.p50), fixed(a.p99), a.errors, a.non2xx, fixed(a.cpuMs, 3), fixed(appRss)],
            ['app / reference', ratio(a.rps, r.rps), ratio(a.p50, r.p50), ratio(a.p99, r.p99), '', '', ratio(a.cpuMs, r.cpuMs), ratio(appRss, refRss)],
          ],
        ),
        '',
        `Key Vault reads during the measured runs: ${vault.secretReads - readsAfterWarmup} for ${appRequests} requests (${fixed(kvReadsPer1000, 2)} per 1,000).`,
      ];
      return {
        lines,
        targets: [
          { name: 'throughput ≥ 0.9× reference', ok: a.rps >= 0.9 * r.rps, detail: ratio(a.rps, r.rps) },
          { name: 'p99 ≤ 1.25× reference', ok: a.p99 <= 1.25 * r.p99, detail: ratio(a.p99, r.p99) },
          { name: 'zero errors', ok: a.errors + a.non2xx === 0, detail: `${a.errors} errors, ${a.non2xx} non-2xx` },
          { name: 'zero Key Vault reads per 1,000 requests after warm-up', ok: kvReadsPer1000 === 0, detail: fixed(kvReadsPer1000, 2) },
          { name: 'peak RSS ≤ 200 MB', ok: appRss <= 200, detail: `${fixed(appRss)} MB` },
        ],
      };
    } finally {
      for (const p of [reference, app, numberApi]) await stopNode(p.child);
      await vault.stop();
      await azurite.stop();
      if (pinned) pinSelf(`0-${availableParallelism() - 1}`);
    }
  },
};

async function measure(url: string, pid: number): Promise<Measured> {
  const cpuBefore = cpuSeconds(pid);
  const result = await load(url, DURATION_S);
  const cpu = cpuSeconds(pid) - cpuBefore;
  return { result, cpuMsPerRequest: (cpu * 1000) / Math.max(result.requests.total, 1) };
}

function load(url: string, duration: number): Promise<Result> {
  return autocannon({ url, connections: CONNECTIONS, duration, timeout: 10 });
}

function summarize(runs: Measured[]) {
  const mean = (f: (m: Measured) => number) => runs.reduce((s, m) => s + f(m), 0) / runs.length;
  return {
    rps: mean((m) => m.result.requests.average),
    p50: mean((m) => m.result.latency.p50),
    p99: mean((m) => m.result.latency.p99),
    errors: runs.reduce((s, m) => s + m.result.errors + m.result.timeouts, 0),
    non2xx: runs.reduce((s, m) => s + m.result.non2xx, 0),
    cpuMs: mean((m) => m.cpuMsPerRequest),
  };
}

/**
 * The Node flags `npm run start:prod` runs the API with (V8 sizing), so every process in a
 * benchmark runs as it would in production. `--env-file…` is left out: benchmarks pass env.
 */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  return pkg.scripts['start:prod']!.split(/\s+/).filter((t) => t.startsWith('--') && !t.startsWith('--env-file'));
}

/** Sets this process's CPU affinity (all threads); later children inherit it. False if impossible. */
function pinSelf(cpus: string): boolean {
  if (availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function startNode(
  script: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  cpu?: string,
): Promise<{ child: ChildProcess }> {
  const argv = [...productionNodeFlags(), script, ...args];
  // taskset execs node in place, so the pid (and /proc figures) are node's.
  const child = spawn(cpu ? 'taskset' : process.execPath, cpu ? ['-c', cpu, process.execPath, ...argv] : argv, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${seen}`)), 30_000);
    const onLine = (line: string) => {
      if (seen.length < 20_000) seen += `${line}\n`;
      if (ready.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${seen}`));
    });
  });
  child.removeAllListeners('exit');
  return { child };
}

export async function stopNode(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
