import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cpus } from 'node:os';

// All CPUs of the machine: availableParallelism() follows this process's own affinity, so once
// pinned to CPU 0 it would report 1 and every later layout would stay on CPU 0.
const CPU_COUNT = cpus().length;
import { createInterface } from 'node:readline';

/**
 * The Node flags `npm run start:prod` runs the API with (V8 sizing), so every Node process in a
 * benchmark runs as it would in production. `--env-file…` is left out: benchmarks pass env.
 */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  return pkg.scripts['start:prod']!.split(/\s+/).filter((t) => t.startsWith('--') && !t.startsWith('--env-file'));
}

/**
 * The environment `npm run start:prod` sets before `node` (the module compile cache of the
 * bundles), relative paths made absolute, so benchmarked processes start as production's do.
 */
export function productionNodeEnv(): Record<string, string> {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  const env: Record<string, string> = {};
  for (const token of pkg.scripts['start:prod']!.split(/\s+/)) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(token);
    if (!m) break; // `node` and its arguments follow
    env[m[1]!] = m[1] === 'NODE_COMPILE_CACHE' ? resolve(m[2]!) : m[2]!;
  }
  return env;
}

/** The two CPU layouts every throughput figure is measured in. */
export type Layout = 'pinned' | 'unpinned';
export const LAYOUTS: Layout[] = ['pinned', 'unpinned'];

export function layoutNote(layout: Layout): string {
  return layout === 'pinned'
    ? 'CPU layout **pinned**: the server under test alone on CPU 1; autocannon, Azurite, the number API, Redis and the IdP on CPU 0.'
    : 'CPU layout **unpinned**: every process on both cores (as a new user runs it).';
}

/** True when this machine can pin (taskset and ≥ 2 CPUs). */
export function canPin(): boolean {
  if (CPU_COUNT < 2) return false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Sets this process's CPU affinity (all threads) for the layout; children spawned afterwards
 * (Azurite, the number API, Redis…) inherit it. Servers under test get `serverCpu(layout)`.
 */
export function applyLayout(layout: Layout): void {
  if (!canPin()) return;
  const cpus = layout === 'pinned' ? '0' : `0-${CPU_COUNT - 1}`;
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
}

/** The CPU list the server under test runs on in this layout (undefined = inherit). */
export function serverCpu(layout: Layout): string | undefined {
  if (!canPin()) return undefined;
  return layout === 'pinned' ? '1' : `0-${CPU_COUNT - 1}`;
}

export interface Started {
  child: ChildProcess;
  /** ms from spawn until the ready line. */
  readyMs: number;
}

/** Starts a compiled Node entry with the production flags and environment (see ENTRY in ./entries.ts). */
export function startNode(script: string, args: string[], env: Record<string, string>, ready: RegExp, cpu?: string): Promise<Started> {
  return startCommand(process.execPath, [...productionNodeFlags(), script, ...args], { ...productionNodeEnv(), ...env }, ready, cpu);
}

/** Starts any command with exactly `env` (plus PATH), resolving on its ready line. */
export async function startCommand(
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  cpu?: string,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<Started> {
  const started = performance.now();
  // taskset execs the command in place, so the pid (and /proc figures) are the command's.
  const child = spawn(cpu ? 'taskset' : command, cpu ? ['-c', cpu, command, ...args] : args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd,
  });
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.at(-1) ?? command} did not start:\n${seen}`)), options.timeoutMs ?? 30_000);
    let done = false;
    const onLine = (line: string) => {
      if (seen.length < 20_000) seen += `${line}\n`;
      if (!done && ready.test(line)) {
        done = true;
        clearTimeout(timer);
        resolve();
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ').slice(0, 200)} exited with ${code}:\n${seen}`));
    });
  });
  child.removeAllListeners('exit');
  return { child, readyMs: performance.now() - started };
}

export async function stopNode(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
