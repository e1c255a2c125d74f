import { spawn, type ChildProcess } from 'node:child_process';
import { TableClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from './ports.js';

export const AZURITE_ACCOUNT = 'devstoreaccount1';
/** Azurite's published development key (not a secret). */
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteHandle {
  queuePort: number;
  tablePort: number;
  connectionString: string;
  queueEndpoint: string;
  tableEndpoint: string;
  /** Kills the emulator (SIGKILL): a hard outage for fault tests. Safe to call twice. */
  stop(): Promise<void>;
  /** Starts it again on the same ports (in-memory data is gone). */
  restart(): Promise<void>;
}

const azuriteBin = join(dirname(createRequire(import.meta.url).resolve('azurite/package.json')), 'dist', 'src');

/** Real Azurite (queue + table) on free loopback ports, data in memory. */
export async function startAzurite(options: { table?: boolean } = {}): Promise<AzuriteHandle> {
  let queuePort = 0;
  let tablePort = 0;
  const children: ChildProcess[] = [];

  async function launch(): Promise<void> {
    children.length = 0;
    try {
      children.push(await startOne('queue', queuePort));
      if (options.table !== false) children.push(await startOne('table', tablePort));
    } catch (error) {
      await Promise.all(children.map(stopChild));
      throw error;
    }
  }
  // freePort() only says a port was free a moment ago: with several suites (or developers' test
  // runs) starting servers at once, another process can take it before Azurite binds. Pick new
  // ports and try again in that case; restart() keeps its ports, as fault tests expect.
  for (let attempt = 1; ; attempt++) {
    queuePort = await freePort();
    tablePort = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt >= 5 || !/EADDRINUSE|address already in use/i.test(String(error))) throw error;
    }
  }

  const queueEndpoint = `http://127.0.0.1:${queuePort}/${AZURITE_ACCOUNT}`;
  const tableEndpoint = `http://127.0.0.1:${tablePort}/${AZURITE_ACCOUNT}`;
  const handle: AzuriteHandle = {
    queuePort,
    tablePort,
    queueEndpoint,
    tableEndpoint,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
      `QueueEndpoint=${queueEndpoint};TableEndpoint=${tableEndpoint};`,
    async stop() {
      await Promise.all(children.map(stopChild));
    },
    async restart() {
      await handle.stop();
      await launch();
    },
  };
  return handle;
}

async function startOne(service: 'queue' | 'table', port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      join(azuriteBin, service, 'main.js'),
      `--${service}Host`,
      '127.0.0.1',
      `--${service}Port`,
      String(port),
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--disableProductStyleUrl',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Azurite ${service} did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/successfully (listens|started)/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite ${service} exited with ${code}: ${output}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  child.removeAllListeners('exit');
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

/** The code queue and the code table, created in Azurite as provision.sh creates them in Azure. */
export async function createCodeStorage(azurite: AzuriteHandle, queue = 'code-requests', table = 'validcodes'): Promise<void> {
  await new QueueClient(azurite.connectionString, queue).createIfNotExists();
  await TableClient.fromConnectionString(azurite.connectionString, table, { allowInsecureConnection: true }).createTable();
}
