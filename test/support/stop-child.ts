import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Asks a child to end with `signal`, SIGKILLs it after `graceMs`, and resolves once it has exited. */
export async function stopChildProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const forced = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(forced);
}
