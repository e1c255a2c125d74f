import { QueueClient } from '@azure/storage-queue';
import { TableClient } from '@azure/data-tables';
import request from 'supertest';
import { createWatcher } from '../../src/apps/watcher/watcher.factory.js';
import { WatcherService } from '../../src/watcher/watcher.service.js';
import type { WatcherStats, PoisonRecord } from '../../src/watcher/queue-watcher.js';
import { TEST_LOG_LEVEL } from '../support/app.js';
import type { AzuriteHandle } from '../support/azurite.js';

export const QUEUE = 'code-requests';
export const POISON = 'code-requests-poison';
export const TABLE = 'validcodes';

/** Environment shared by the app and the watchers of one test file: fast polling, short leases. */
export function storageEnv(azurite: AzuriteHandle, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    QUEUE_CREATE_IF_MISSING: 'true',
    CODE_TABLE_CREATE_IF_MISSING: 'true',
    WATCHER_POLL_MIN_MS: '20',
    WATCHER_POLL_MAX_MS: '200',
    WATCHER_RETRY_BASE_SECONDS: '0',
    WATCHER_VISIBILITY_TIMEOUT_SECONDS: '5',
    ...extra,
  };
}

export interface InProcessWatcher {
  stats: WatcherStats;
  close(): Promise<void>;
}

/** The watcher's root module in this process (stats observable); crash tests spawn dist/apps/watcher/main.js instead. */
export async function startWatcher(env: Record<string, string>): Promise<InProcessWatcher> {
  const app = await createWatcher({ LOG_LEVEL: TEST_LOG_LEVEL, NODE_ENV: 'test', ...env }, { logger: false });
  await app.init();
  const service = app.get(WatcherService);
  return { stats: service.stats, close: () => app.close() };
}

export function queueClient(azurite: AzuriteHandle, name = QUEUE): QueueClient {
  return new QueueClient(azurite.connectionString, name);
}

export function tableClient(azurite: AzuriteHandle): TableClient {
  return TableClient.fromConnectionString(azurite.connectionString, TABLE, { allowInsecureConnection: true });
}

export async function rowOf(azurite: AzuriteHandle, code: string): Promise<Record<string, unknown> | undefined> {
  try {
    return await tableClient(azurite).getEntity(code, 'code');
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

/** Polls until `check` holds, or fails with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Rows whose state is `valid` (live or not yet expired by the watcher). */
export async function validRows(azurite: AzuriteHandle): Promise<Map<string, Record<string, unknown>>> {
  const rows = new Map<string, Record<string, unknown>>();
  for await (const entity of tableClient(azurite).listEntities()) {
    if (entity.state === 'valid') rows.set(entity.partitionKey!, entity);
  }
  return rows;
}

export async function verify(url: string, code: string): Promise<boolean> {
  const res = await request(url).post('/api/v1/verifycode').send({ code }).expect(200);
  return (res.body as { valid: boolean }).valid;
}

/** Reads (and removes) everything on the poison queue. */
export async function drainPoison(azurite: AzuriteHandle): Promise<PoisonRecord[]> {
  const client = queueClient(azurite, POISON);
  if (!(await client.exists())) return [];
  const out: PoisonRecord[] = [];
  for (;;) {
    const { receivedMessageItems } = await client.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 30 });
    if (!receivedMessageItems.length) return out;
    for (const m of receivedMessageItems) {
      out.push(JSON.parse(m.messageText) as PoisonRecord);
      await client.deleteMessage(m.messageId, m.popReceipt);
    }
  }
}

/** A code message as getcode writes it, for a fresh code. */
let counter = 0;
export function freshCode(): string {
  counter++;
  const letters = (n: number) => String.fromCharCode(97 + ((n * 7) % 26), 65 + ((n * 11) % 26), 97 + ((n * 13) % 26));
  return `${letters(counter)}-${process.pid % 1000}${counter}-${letters(counter + 5)}`;
}
