import { QueueClient } from '@azure/storage-queue';

/** Receives (and deletes) every message currently visible on the queue, decoding base64 if asked. */
export async function drainQueue(connectionString: string, queueName: string, options: { base64?: boolean } = {}): Promise<string[]> {
  const client = new QueueClient(connectionString, queueName);
  if (!(await client.exists())) return [];
  const bodies: string[] = [];
  for (;;) {
    const { receivedMessageItems } = await client.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 30 });
    if (receivedMessageItems.length === 0) return bodies;
    for (const message of receivedMessageItems) {
      bodies.push(options.base64 ? Buffer.from(message.messageText, 'base64').toString('utf8') : message.messageText);
      await client.deleteMessage(message.messageId, message.popReceipt);
    }
  }
}

export async function approximateCount(connectionString: string, queueName: string): Promise<number> {
  const client = new QueueClient(connectionString, queueName);
  if (!(await client.exists())) return 0;
  return (await client.getProperties()).approximateMessagesCount ?? 0;
}
