import { RestError } from '@azure/core-rest-pipeline';
import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import { AzureStorageCodeQueueConsumer } from './azure-storage-code-queue-consumer.js';
import { QueueUnavailableError } from './queue.errors.js';

/** Pop-receipt bookkeeping with a scripted QueueClient; the real service is covered against Azurite in test/lifecycle. */
class ScriptedQueue {
  readonly calls: string[] = [];
  private pops = 0;
  constructor(
    readonly name: string,
    private readonly script: Array<() => DequeuedMessageItem[]> = [],
  ) {}
  async receiveMessages() {
    const next = this.script.shift();
    return { receivedMessageItems: next ? next() : [] };
  }
  async updateMessage(id: string, pop: string, text: string | undefined, visibility: number) {
    this.calls.push(`update ${id} ${pop} ${text === undefined ? 'same-text' : 'new-text'} ${visibility}`);
    return { popReceipt: `pop-${++this.pops}` };
  }
  deleteError?: unknown;
  async deleteMessage(id: string, pop: string) {
    this.calls.push(`delete ${id} ${pop}`);
    if (this.deleteError) throw this.deleteError;
    return {};
  }
  sendError?: unknown;
  async sendMessage(_text: string, options?: { visibilityTimeout?: number; messageTimeToLive?: number }) {
    this.calls.push(`send${options ? ` ${options.visibilityTimeout} ${options.messageTimeToLive}` : ''}`);
    const error = this.sendError;
    this.sendError = undefined;
    if (error) throw error;
    return {};
  }
  async createIfNotExists() {
    this.calls.push('create');
    return {};
  }
}

function item(): DequeuedMessageItem {
  return { messageId: 'm1', popReceipt: 'pop-0', messageText: 'hello', dequeueCount: 2, insertedOn: new Date(), expiresOn: new Date(), nextVisibleOn: new Date() } as DequeuedMessageItem;
}

const asClient = (q: ScriptedQueue) => q as unknown as QueueClient;

describe('AzureStorageCodeQueueConsumer', () => {
  it('settles and releases with the latest pop receipt after renewals', async () => {
    const queue = new ScriptedQueue('code-requests', [() => [item()]]);
    const consumer = new AzureStorageCodeQueueConsumer(asClient(queue), asClient(new ScriptedQueue('code-requests-poison')));
    const [message] = await consumer.receive(16, 2);
    expect(message).toMatchObject({ id: 'm1', text: 'hello', deliveryCount: 2 });
    await consumer.renew(message!, 2);
    await consumer.renew(message!, 2);
    await consumer.release(message!, 600, 'expiry');
    expect(queue.calls).toEqual(['update m1 pop-0 same-text 2', 'update m1 pop-1 same-text 2', 'update m1 pop-2 new-text 600']);
  });

  it('a lost lease (404 on delete) settles quietly; other failures become QueueUnavailableError without the storage message', async () => {
    const queue = new ScriptedQueue('code-requests', [() => [item()], () => [item()]]);
    const consumer = new AzureStorageCodeQueueConsumer(asClient(queue), asClient(new ScriptedQueue('p')));
    const [lost] = await consumer.receive(1, 2);
    queue.deleteError = new RestError('gone', { statusCode: 404 });
    await expect(consumer.settle(lost!)).resolves.toBeUndefined();
    const [other] = await consumer.receive(1, 2);
    queue.deleteError = new RestError('https://acct.queue.core.windows.net/q?sig=SECRET', { statusCode: 500, code: 'InternalError' });
    const error = await consumer.settle(other!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect((error as QueueUnavailableError).reason).toBe('HTTP 500 (InternalError)');
  });

  it('moves to poison (creating the poison queue on 404), then deletes; sends never-expiring messages', async () => {
    const queue = new ScriptedQueue('code-requests', [() => [item()]]);
    const poison = new ScriptedQueue('code-requests-poison');
    poison.sendError = new RestError('no queue', { statusCode: 404 });
    const consumer = new AzureStorageCodeQueueConsumer(asClient(queue), asClient(poison));
    const [message] = await consumer.receive(1, 2);
    await consumer.moveToPoison(message!, '{"reason":"x"}');
    expect(poison.calls).toEqual(['send', 'create', 'send']);
    expect(queue.calls).toEqual(['delete m1 pop-0']);
    await consumer.send('expiry', 30);
    expect(queue.calls.at(-1)).toBe('send 30 -1');
    expect(consumer.poisonQueueName).toBe('code-requests-poison');
  });
});
