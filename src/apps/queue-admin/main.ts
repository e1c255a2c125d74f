import { loadConfig } from '../../config/load-config.js';
import { ConfigValidationError } from '../../config/config.errors.js';
import { queueConfigSection, type QueueConfig } from '../../queue/queue.config.js';
import { createQueueClient } from '../../azure/storage-clients.js';
import { describeStorageFailure } from '../../azure/storage-failure.js';
import type { Env } from '../../config/config-section.js';
import { AZURITE_DEV_CONNECTION_STRING } from '../../azure/azurite.js';

/**
 * `npm run queue:peek` / `npm run queue:clear` — the sample's test.sh and clear_queue.sh for any
 * account the app can reach: the same QueueConfig (AZURE_STORAGE_CONNECTION_STRING for Azurite, or
 * STORAGE_QUEUE_URL + DefaultAzureCredential for Azure). `--poison` works on <queue>-poison.
 */
export interface QueueAdminResult {
  queue: string;
  approximateCount: number;
  messages?: Array<{ messageId: string; insertedOn?: string; dequeueCount: number; body: string }>;
  cleared?: boolean;
}

export async function runQueueAdmin(command: 'peek' | 'clear', env: Env, options: { poison?: boolean; count?: number } = {}): Promise<QueueAdminResult> {
  const config: QueueConfig = loadConfig(env, [queueConfigSection]).get(queueConfigSection);
  const queue = options.poison ? `${config.queueName}-poison` : config.queueName;
  const client = createQueueClient(config, queue);
  const properties = await client.getProperties();
  const approximateCount = properties.approximateMessagesCount ?? 0;
  if (command === 'clear') {
    await client.clearMessages();
    return { queue, approximateCount, cleared: true };
  }
  // Peek does not change visibility or dequeue counts: safe against a running watcher.
  const peeked = await client.peekMessages({ numberOfMessages: Math.min(Math.max(options.count ?? 32, 1), 32) });
  return {
    queue,
    approximateCount,
    messages: peeked.peekedMessageItems.map((m) => ({
      messageId: m.messageId,
      insertedOn: m.insertedOn?.toISOString(),
      dequeueCount: m.dequeueCount,
      body: decode(m.messageText, config.encoding),
    })),
  };
}

function decode(text: string, encoding: QueueConfig['encoding']): string {
  if (encoding !== 'base64') return text;
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  return Buffer.from(decoded, 'utf8').toString('base64') === text ? decoded : text;
}

function parseArgs(argv: string[]): { command: 'peek' | 'clear'; poison: boolean; count?: number } {
  const [command, ...rest] = argv;
  if (command !== 'peek' && command !== 'clear') throw new UsageError();
  let poison = false;
  let count: number | undefined;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--poison') poison = true;
    else if (rest[i] === '--count') count = Number(rest[++i]);
    else throw new UsageError();
  }
  return { command, poison, count };
}

class UsageError extends Error {
  constructor() {
    super('usage: queue-admin (peek [--count N] | clear) [--poison]');
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let env: Env = process.env;
  if (!env.AZURE_STORAGE_CONNECTION_STRING && !env.STORAGE_QUEUE_URL) {
    // Nothing configured: the local stack's Azurite (npm start), as the app there uses it.
    console.error('queue-admin: no AZURE_STORAGE_CONNECTION_STRING or STORAGE_QUEUE_URL; using the local stack\'s Azurite');
    env = { ...env, AZURE_STORAGE_CONNECTION_STRING: AZURITE_DEV_CONNECTION_STRING };
  }
  const result = await runQueueAdmin(args.command, env, args);
  console.log(JSON.stringify(result, null, 2));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    if (error instanceof ConfigValidationError || error instanceof UsageError) console.error(error.message);
    else console.error(`queue-admin: ${describeStorageFailure(error)}`);
    process.exit(1);
  });
}
