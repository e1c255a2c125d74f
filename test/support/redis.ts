import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';

/** Debian's redis-server (`.ci/run` installs it); REDIS_SERVER_BIN overrides the path. */
const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : 'redis-server');

export interface RedisServerHandle {
  port: number;
  /** redis://127.0.0.1:<port> (no password: the default user is open unless a test changes it). */
  url: string;
  /** An admin client on the default user (for ACL SETUSER, INFO, CLIENT KILL). */
  admin(): Redis;
  /** SIGKILL: a hard outage. Safe to call twice. */
  kill(): Promise<void>;
  /** Starts it again on the same port (data is gone: no persistence). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A real redis-server on a free loopback port, in memory only (`--save '' --appendonly no`). */
export async function startRedis(): Promise<RedisServerHandle> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const admins: Redis[] = [];

  async function launch(): Promise<void> {
    const proc = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Ready to accept connections/.test(output)) resolve();
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('error', reject);
      proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output}`)));
    });
    child = proc;
  }

  async function kill(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
  }

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    admin() {
      const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, lazyConnect: false });
      admins.push(client);
      return client;
    },
    kill,
    async restart() {
      await kill();
      await launch();
    },
    async stop() {
      for (const client of admins.splice(0)) client.disconnect();
      await kill();
    },
  };
}
