import { QueueClient } from '@azure/storage-queue';
import { TableClient } from '@azure/data-tables';

/**
 * Throughput references for the watcher: a bare receive→process→delete loop, `batch` messages per
 * receive and all of them in flight, with nothing else (no checks, leases, poison, logging).
 * - `seed`: process = what seed 001's pseudo code does for a new code: add it to the table, then
 *   `send_message(code, visibility_timeout=600)`; then delete the message.
 * - `minimal`: process = add it to the table only (no expiry at all): the least any consumer does.
 * Run as its own process, like the watcher: `node .build/bench/lifecycle-bare-loop.js '<json>'`.
 */
const { connectionString, queueName, tableName, batch, mode } = JSON.parse(process.argv[2]!) as {
  connectionString: string;
  queueName: string;
  tableName: string;
  batch: number;
  mode: 'seed' | 'minimal';
};
const queue = new QueueClient(connectionString, queueName);
const table = TableClient.fromConnectionString(connectionString, tableName, { allowInsecureConnection: true });
let stopped = false;
process.once('SIGTERM', () => (stopped = true));

console.log('bare loop receiving');
while (!stopped) {
  const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: batch, visibilityTimeout: 60 });
  if (receivedMessageItems.length === 0) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    continue;
  }
  await Promise.all(
    receivedMessageItems.map(async (m) => {
      const { code, timestamp } = JSON.parse(m.messageText) as { code: string; timestamp: string };
      const expiresAt = new Date(Date.parse(timestamp) + 600_000).toISOString();
      await table.createEntity({ partitionKey: code, rowKey: 'code', issuedAt: timestamp, expiresAt, state: 'valid', activatedAt: new Date().toISOString() });
      if (mode === 'seed') await queue.sendMessage(JSON.stringify({ phase: 'expire', code, timestamp, expiresAt }), { visibilityTimeout: 600 });
      await queue.deleteMessage(m.messageId, m.popReceipt);
    }),
  );
}
process.exit(0);
