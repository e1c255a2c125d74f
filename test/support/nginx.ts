import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { stopChildProcess } from './stop-child.js';

/** Debian's nginx (`.ci/run` installs it; it is built with auth_request); NGINX_BIN overrides the path. */
export const NGINX_BIN = process.env.NGINX_BIN ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx');

export interface NginxOptions {
  /**
   * The http-level configuration (server blocks, upstreams), as a template: `${NAME}` (upper case) is
   * replaced from `vars`, like the official image's envsubst templates; nginx's own `$var` and
   * `${var}` (lower case) are left alone. The harness provides `${LISTEN}` (`127.0.0.1:<port>`) and
   * `${PORT}`.
   */
  template: string;
  vars?: Record<string, string>;
  /**
   * Listen here instead of a free port the harness picks (when the port must be known before nginx
   * starts: host names with a port registered at an IdP). Not retried.
   */
  port?: number;
}

export interface NginxHandle {
  port: number;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The temp prefix directory holding the config, pid, logs and temp files (removed by stop()). */
  dir: string;
  /** The rendered http-level configuration, as nginx read it. */
  config: string;
  errorLog(): string;
  accessLog(): string;
  /** SIGTERM (fast shutdown), wait for exit, remove the directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** `nginx -V`: its version and configure arguments (which nginx prints on stderr). */
export function nginxBuildInfo(): string {
  const result = spawnSync(NGINX_BIN, ['-V'], { encoding: 'utf8' });
  if (result.error) throw result.error;
  return `${result.stdout}${result.stderr}`;
}

/** Replaces `${NAME}` placeholders; an unknown one is an error (a typo would otherwise reach nginx). */
export function renderNginxTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_match, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`nginx template: no value for \${${name}}`);
    return value;
  });
}

/**
 * Runs Debian's nginx in the foreground (`-p <dir> -c <conf> -e <error log> -g 'daemon off;'`) with
 * everything it writes (pid, logs, temp files) inside a fresh temp directory, listening on a free
 * loopback port. No root needed; as root, workers run as the same user so they can use that directory.
 */
export async function startNginx(options: NginxOptions): Promise<NginxHandle> {
  if (NGINX_BIN.startsWith('/') && !existsSync(NGINX_BIN)) {
    throw new Error(`nginx is missing at ${NGINX_BIN}: install it with "apt-get install nginx" (.ci/run does)`);
  }
  if (options.port !== undefined) return launch(options, options.port);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await launch(options, port);
    } catch (error) {
      if (attempt >= 5 || !/Address already in use/i.test(String(error))) throw error;
    }
  }
}

async function launch(options: NginxOptions, port: number): Promise<NginxHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'nginx-test-'));
  const config = renderNginxTemplate(options.template, { ...options.vars, LISTEN: `127.0.0.1:${port}`, PORT: String(port) });
  const temp = (name: string) => {
    mkdirSync(join(dir, 'tmp', name), { recursive: true });
    return join(dir, 'tmp', name);
  };
  writeFileSync(join(dir, 'site.conf'), config);
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      process.getuid?.() === 0 ? `user ${userInfo().username};` : '',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} info;`,
      'events { worker_connections 256; }',
      'http {',
      '  default_type application/octet-stream;',
      `  access_log ${join(dir, 'access.log')};`,
      `  client_body_temp_path ${temp('client_body')};`,
      `  proxy_temp_path ${temp('proxy')};`,
      `  fastcgi_temp_path ${temp('fastcgi')};`,
      `  uwsgi_temp_path ${temp('uwsgi')};`,
      `  scgi_temp_path ${temp('scgi')};`,
      `  include ${join(dir, 'site.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(NGINX_BIN, ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '');

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopChildProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(child, port, () => `${output}${read('error.log')}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    dir,
    config,
    errorLog: () => read('error.log'),
    accessLog: () => read('access.log'),
    stop,
  };
}

async function waitForPort(child: ChildProcess, port: number, diagnostics: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`nginx exited (${child.exitCode ?? child.signalCode}):\n${diagnostics()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    // The port can answer before a failed bind of another listen is reported; a live master is the sign.
    if (open && child.exitCode === null) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}:\n${diagnostics()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
