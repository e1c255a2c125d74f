import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { BenchResult, BenchSection } from './bench-section.js';
import { fixed } from './support/table.js';

const TARGET_S = 45;
const FIRST_CODE_TIMEOUT_MS = 240_000;
/** The local stack's fixed ports (README, "local stack"): `npm start` refuses to start when one is taken. */
const STACK_PORTS = [3000, 4000, 7071, 7072, 7073, 7074, 9464, 10001, 10002];

/**
 * A new user's first minute: `git clone` of this checkout's commit into a temporary directory, then
 * `npm ci && npm start` there, timed from the start of `npm ci` until the local stack's API answers
 * its first `GET /api/v1/getcode` with 200. npm runs from the user's PATH (this repository's
 * node_modules/.bin removed), with the machine's npm cache as it is (a second clone on one machine
 * is the common case; the figure says so). The stack listens on its fixed ports, so the section is
 * skipped, naming them, when one is taken.
 */
export const cloneBench: BenchSection = {
  name: 'Fresh clone',
  async run(): Promise<BenchResult> {
    const name = `fresh clone: \`npm ci && npm start\` to the first code ≤ ${TARGET_S} s`;
    const taken = (await Promise.all(STACK_PORTS.map(async (p) => ((await listening(p)) ? p : undefined)))).filter((p) => p !== undefined);
    if (taken.length) return { lines: [`Skipped: port(s) ${taken.join(', ')} in use; the local stack needs them.`], targets: [{ name, ok: false, skipped: true, detail: `skipped: port(s) ${taken.join(', ')} in use` }] };

    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    const dir = mkdtempSync(join(tmpdir(), 'bench-clone-'));
    try {
      execFileSync('git', ['clone', '--quiet', resolve('.'), dir]);
      const env = userEnv();
      const started = performance.now();
      execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, env, stdio: 'ignore' });
      const installed = performance.now();
      const stack = spawn('npm', ['start'], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
      stack.stdout!.on('data', keep);
      stack.stderr!.on('data', keep);
      try {
        await firstCode(stack, () => output);
        const total = (performance.now() - started) / 1000;
        const ci = (installed - started) / 1000;
        return {
          lines: [
            `Commit ${commit}${dirty ? ' (uncommitted changes in the checkout are not in the clone)' : ''}, cloned to a temporary directory; npm's cache as this machine has it.`,
            '',
            `| step | s |`,
            `| --- | --- |`,
            `| \`npm ci\` | ${fixed(ci)} |`,
            `| \`npm start\` (tsc build, then the local stack) to the first getcode 200 | ${fixed(total - ci)} |`,
            `| **total** | **${fixed(total)}** |`,
          ],
          targets: [{ name, ok: total <= TARGET_S, detail: `${fixed(total)} s (npm ci ${fixed(ci)} s + npm start ${fixed(total - ci)} s)` }],
        };
      } finally {
        await stopGroup(stack);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** The environment a user's shell would give npm: this process's, minus npm's own additions. */
function userEnv(): NodeJS.ProcessEnv {
  const here = resolve('.');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('npm_') && k !== 'INIT_CWD' && k !== 'NODE') env[k] = v;
  env.PATH = (process.env.PATH ?? '').split(delimiter).filter((p) => !p.startsWith(here) && !p.includes('node-gyp-bin')).join(delimiter);
  return env;
}

async function firstCode(stack: ChildProcess, output: () => string): Promise<void> {
  const deadline = performance.now() + FIRST_CODE_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (stack.exitCode !== null) throw new Error(`npm start exited with ${stack.exitCode}:\n${output()}`);
    try {
      const res = await fetch('http://127.0.0.1:3000/api/v1/getcode');
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code within ${FIRST_CODE_TIMEOUT_MS / 1000} s:\n${output()}`);
}

/** Ctrl-C to the whole `npm start` process group (the supervisor stops its parts), SIGKILL after 20 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid!, 'SIGINT');
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }, 20_000);
  await exited;
  clearTimeout(timer);
  // Parts that outlive npm (none should) go with the group.
  await new Promise((r) => setTimeout(r, 500));
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // the group is empty: every part stopped
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
