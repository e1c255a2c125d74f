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
  /**
   * Resolves when the output matches `pattern` (or `pattern(output)` is true). A line the process wrote
   * before answering can reach this process after the answer (its pipe and the socket are read in either
   * order), so a test that reads the log after a request waits for what it expects before scanning.
   */
  waitFor(pattern: RegExp | ((output: string) => boolean), timeoutMs?: number): Promise<void>;
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
        const matches = typeof pattern === 'function' ? pattern : (text: string) => pattern.test(text);
        const check = () => {
          if (matches(output)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${String(pattern)} in:\n${output}`));
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
