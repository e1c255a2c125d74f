import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** A compiled entry point (npm test builds dist/ first, in its pretest step). */
export function distEntry(name: string): string {
  const file = join(REPO_ROOT, 'dist', name);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build:prod (npm test does it first)`);
  return file;
}

export interface SpawnedProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when a line matching `pattern` has been printed. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

/** Runs a compiled entry point with exactly `env` (plus PATH) and `nodeFlags`, collecting its output. */
export function spawnEntry(name: string, env: Record<string, string>, nodeFlags: string[] = []): SpawnedProcess {
  const child = spawn(process.execPath, [...nodeFlags, distEntry(name)], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return {
    child,
    output: () => output,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern} in:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    exited: () => exit,
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Stops every process in `spawned` (and empties it), waiting for each to exit: a test's afterEach. */
export async function stopAll(spawned: SpawnedProcess[], signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  for (const child of spawned.splice(0)) {
    child.kill(signal);
    await child.exited();
  }
}
