import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { freePort } from './ports.js';
import { stopChildProcess } from './stop-child.js';

/** What MailDev's REST API returns per mail (the fields tests read; MailDev 3's `Email`). */
export interface MailDevEmail {
  id: string;
  subject: string;
  text?: string;
  html?: string;
  from: { address: string; name: string }[];
  to: { address: string; name: string }[];
  headers: Record<string, string | string[]>;
  envelope: { from: { address: string }; to: { address: string }[] };
  time: string;
}

export interface MailDevHandle {
  smtpPort: number;
  webPort: number;
  /** The web UI (a browser opens it; `GET /` answers HTML only to `Accept: text/html`). */
  webUrl: string;
  /** `GET /api/email`: every mail, oldest first. */
  emails(): Promise<MailDevEmail[]>;
  /** `DELETE /api/email/all`. */
  clear(): Promise<void>;
  /** Polls the REST API until a mail `match` accepts arrives. */
  waitForEmail(match?: (mail: MailDevEmail) => boolean, timeoutMs?: number): Promise<MailDevEmail>;
  output(): string;
  stop(): Promise<void>;
}

// The package exports only its entry point (dist/index.js); its bin sits beside it.
const maildevBin = join(dirname(fileURLToPath(import.meta.resolve('maildev'))), 'bin', 'maildev.js');

/**
 * The npm `maildev` (3.x) as its own process, as the local stack runs it (SMTP 1025, web 1080 there;
 * free loopback ports here). MailDev 3 serves its REST API under `/api/` (2.x had `/email` at the
 * root), and keeps mails in memory.
 */
export async function startMailDev(): Promise<MailDevHandle> {
  for (let attempt = 1; ; attempt++) {
    const [smtpPort, webPort] = [await freePort(), await freePort()];
    try {
      return await launch(smtpPort, webPort);
    } catch (error) {
      if (attempt >= 5 || !/EADDRINUSE|address already in use/i.test(String(error))) throw error;
    }
  }
}

async function launch(smtpPort: number, webPort: number): Promise<MailDevHandle> {
  const child = spawn(
    process.execPath,
    [maildevBin, '--smtp', String(smtpPort), '--web', String(webPort), '--ip', '127.0.0.1', '--web-ip', '127.0.0.1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => void (output += chunk.toString());
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const webUrl = `http://127.0.0.1:${webPort}`;
  const api = (path: string, init?: RequestInit) => fetch(`${webUrl}/api${path}`, { ...init, signal: AbortSignal.timeout(5_000) });

  try {
    await waitUntilHealthy(child, () => output, api);
  } catch (error) {
    await stopChildProcess(child);
    throw error;
  }

  const handle: MailDevHandle = {
    smtpPort,
    webPort,
    webUrl,
    async emails() {
      const response = await api('/email');
      if (!response.ok) throw new Error(`MailDev GET /api/email answered ${response.status}`);
      return (await response.json()) as MailDevEmail[];
    },
    async clear() {
      const response = await api('/email/all', { method: 'DELETE' });
      if (!response.ok) throw new Error(`MailDev DELETE /api/email/all answered ${response.status}`);
    },
    async waitForEmail(match = () => true, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await handle.emails()).find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching mail in MailDev within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    output: () => output,
    stop: () => stopChildProcess(child),
  };
  return handle;
}

async function waitUntilHealthy(child: ChildProcess, output: () => string, api: (path: string) => Promise<Response>): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`maildev exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
    const healthy = await api('/healthz').then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    if (Date.now() > deadline) throw new Error(`maildev did not become healthy:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
