import { readdirSync, readFileSync } from 'node:fs';

// Linux reports CPU times in clock ticks; 100 per second on every common kernel config.
const TICKS_PER_SECOND = 100;

function stat(pid: number): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU seconds a process has used so far (from /proc/<pid>/stat utime + stime). */
export function cpuSeconds(pid: number): number {
  const fields = stat(pid);
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The pid and all its live descendants (gunicorn: master + worker). */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(stat(Number(entry))[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of parents.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** CPU seconds of a process and its descendants, by pid (so a window can diff them). */
export function treeCpu(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of processTree(pid)) {
    try {
      out.set(p, cpuSeconds(p));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** CPU seconds used by the tree between two snapshots. */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [p, s] of after) sum += s - (before.get(p) ?? 0);
  return sum;
}

/** Peak resident set size of a process so far, in MB (VmHWM). */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Largest peak RSS in a process tree, in MB. */
export function treePeakRssMb(pid: number): number {
  return Math.max(0, ...processTree(pid).map((p) => {
    try {
      return peakRssMb(p);
    } catch {
      return 0;
    }
  }));
}
