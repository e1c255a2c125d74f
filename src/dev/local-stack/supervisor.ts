import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import type { LocalStackPart } from './parts.js';
import type { LineFormatter } from './readable-log-lines.js';

interface Running {
  part: LocalStackPart;
  child: ChildProcess;
}

/** Resolves to the first port of `parts` that something already listens on, if any. */
export async function findBusyPort(parts: LocalStackPart[]): Promise<{ port: number; what: string } | undefined> {
  for (const part of parts) {
    for (const entry of part.ports) {
      if (!(await isFree(entry.port))) return entry;
    }
  }
  return undefined;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    // The API binds 0.0.0.0; checking the wildcard address catches both.
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/**
 * Starts each part as a child process in order, waits for its "ready" line, prefixes its output,
 * and stops every part (reverse order, SIGTERM then SIGKILL) on Ctrl-C, SIGTERM or when one dies.
 */
export class Supervisor {
  private readonly running: Running[] = [];
  private stopping = false;

  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    /** Renders a part's line for reading (pino-pretty unless LOG_FORMAT=json); "ready" matches the raw line. */
    private readonly formatLine: LineFormatter = (line) => [line],
  ) {}

  async start(parts: LocalStackPart[]): Promise<void> {
    for (const part of parts) {
      await this.startPart(part);
    }
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const { part, child } of [...this.running].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill(part.stopSignal ?? 'SIGTERM');
      const exited = await waitForExit(child, 10_000);
      if (!exited) {
        this.log(`[stack] ${part.name} did not stop in 10 s; killing it`);
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
      this.log(`[stack] ${part.name} stopped`);
    }
  }

  private startPart(part: LocalStackPart): Promise<void> {
    const child = spawn(process.execPath, [part.script, ...(part.args ?? [])], {
      env: { ...this.env, ...part.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.running.push({ part, child });
    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => reject(new Error(`${part.name} did not report ready within 60 s`)), 60_000);
      const onLine = (line: string) => {
        for (const shown of this.formatLine(line)) this.log(`[${part.name}] ${shown}`);
        if (this.stopping && part.stoppedWhen?.test(line)) child.kill('SIGKILL');
        if (!ready && part.readyWhen.test(line)) {
          ready = true;
          clearTimeout(timer);
          resolve();
        }
      };
      createInterface({ input: child.stdout! }).on('line', onLine);
      createInterface({ input: child.stderr! }).on('line', onLine);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.stopping) return;
        const reason = `${part.name} exited (${signal ?? `code ${code}`})`;
        if (!ready) {
          reject(new Error(reason));
          return;
        }
        this.log(`[stack] ${reason}; stopping the stack`);
        void this.stop().then(() => process.exit(1));
      });
    });
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
