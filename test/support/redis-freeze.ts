import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { startRedis, type RedisServerHandle } from './redis.js';

export interface FreezableRedisHandle extends RedisServerHandle {
  /** The redis-server process id (asked of the server itself: INFO server's process_id). */
  pid(): Promise<number>;
  /**
   * SIGSTOP: the process hangs without closing anything. The kernel still accepts TCP connections
   * into the backlog and buffers what clients write, but nothing is answered until thaw().
   */
  freeze(): Promise<void>;
  /** SIGCONT: it answers again, starting with what was sent while it was frozen. */
  thaw(): Promise<void>;
  readonly frozen: boolean;
}

/**
 * Adds SIGSTOP/SIGCONT to a redis-server started by startRedis(), which does not expose its process:
 * the pid comes from the server (read before each freeze, so restart() is followed), and is checked
 * to be a redis-server on this handle's port before any signal is sent. stop(), kill() and restart()
 * thaw first, so a frozen server never outlives its test.
 */
export function withFreeze(redis: RedisServerHandle): FreezableRedisHandle {
  let frozenPid: number | undefined;

  async function pid(): Promise<number> {
    const client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true, maxRetriesPerRequest: 0, commandTimeout: 2_000 });
    try {
      await client.connect();
      const match = /^process_id:(\d+)\r?$/m.exec(await client.info('server'));
      if (!match) throw new Error('INFO server has no process_id');
      const found = Number(match[1]);
      const commandLine = readFileSync(`/proc/${found}/cmdline`, 'utf8');
      if (!commandLine.includes('redis-server') || !commandLine.includes(String(redis.port))) {
        throw new Error(`process ${found} is not the redis-server on port ${redis.port}: ${commandLine}`);
      }
      return found;
    } finally {
      client.disconnect();
    }
  }

  async function thaw(): Promise<void> {
    const target = frozenPid;
    if (target === undefined) return;
    frozenPid = undefined;
    try {
      process.kill(target, 'SIGCONT');
    } catch {
      return; // It was killed while stopped (SIGKILL ends a stopped process too): nothing left to thaw.
    }
    await until(() => processState(target) !== 'T');
  }

  return {
    ...redis,
    pid,
    get frozen() {
      return frozenPid !== undefined;
    },
    async freeze() {
      if (frozenPid !== undefined) return;
      const target = await pid();
      process.kill(target, 'SIGSTOP');
      frozenPid = target;
      // Signals are delivered asynchronously: resolve once the kernel reports the process stopped.
      await until(() => processState(target) === 'T');
    },
    thaw,
    async kill() {
      await thaw();
      await redis.kill();
    },
    async restart() {
      await thaw();
      await redis.restart();
    },
    async stop() {
      await thaw();
      await redis.stop();
    },
  };
}

/** The state letter in /proc/<pid>/stat (R running, S sleeping, T stopped by a signal); '' once it is gone. */
export function processState(pid: number): string {
  try {
    return /^\d+ \(.*\) (\w)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1] ?? '';
  } catch {
    return '';
  }
}

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('redis-server did not change state after the signal');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** startRedis() with freeze()/thaw(). */
export async function startFreezableRedis(): Promise<FreezableRedisHandle> {
  return withFreeze(await startRedis());
}
