import { isRestError } from '@azure/core-rest-pipeline';
import type { QueueClient } from '@azure/storage-queue';
import { describeStorageFailure } from '../azure/storage-failure.js';
import { CodeQueueConsumer, type ReceivedCodeMessage } from './code-queue-consumer.js';
import { QueueUnavailableError } from './queue.errors.js';

/**
 * The consumer side on Azure Storage queues (or Azurite): leases are visibility timeouts, identified
 * by pop receipts that change with every update, so the latest one is kept per message here.
 */
export class AzureStorageCodeQueueConsumer extends CodeQueueConsumer {
  private readonly popReceipts = new WeakMap<ReceivedCodeMessage, string>();

  constructor(
    private readonly queue: QueueClient,
    private readonly poison: QueueClient,
  ) {
    super();
  }

  get queueName(): string {
    return this.queue.name;
  }

  get poisonQueueName(): string {
    return this.poison.name;
  }

  async createIfMissing(): Promise<void> {
    const problems: string[] = [];
    for (const client of [this.queue, this.poison]) {
      try {
        await client.createIfNotExists();
      } catch (error) {
        problems.push(`"${client.name}": ${describeStorageFailure(error)}`);
      }
    }
    if (problems.length) throw new QueueUnavailableError(`Could not create queue ${problems.join(', ')}`);
  }

  async receive(max: number, visibilitySeconds: number): Promise<ReceivedCodeMessage[]> {
    const answer = await this.call(() => this.queue.receiveMessages({ numberOfMessages: max, visibilityTimeout: visibilitySeconds }));
    return answer.receivedMessageItems.map((item) => {
      const message: ReceivedCodeMessage = {
        id: item.messageId,
        text: item.messageText,
        deliveryCount: item.dequeueCount ?? 1,
        insertedOn: item.insertedOn,
        expiresOn: item.expiresOn,
      };
      this.popReceipts.set(message, item.popReceipt);
      return message;
    });
  }

  async renew(message: ReceivedCodeMessage, visibilitySeconds: number): Promise<void> {
    const answer = await this.call(() => this.queue.updateMessage(message.id, this.popReceipt(message), undefined, visibilitySeconds));
    if (answer.popReceipt) this.popReceipts.set(message, answer.popReceipt);
  }

  async settle(message: ReceivedCodeMessage): Promise<void> {
    try {
      await this.queue.deleteMessage(message.id, this.popReceipt(message));
    } catch (error) {
      // 404: the lease was lost; see the contract.
      if (isRestError(error) && error.statusCode === 404) return;
      throw unavailable(error);
    }
  }

  async release(message: ReceivedCodeMessage, delaySeconds: number, text?: string): Promise<void> {
    const answer = await this.call(() => this.queue.updateMessage(message.id, this.popReceipt(message), text, delaySeconds));
    if (answer.popReceipt) this.popReceipts.set(message, answer.popReceipt);
  }

  async moveToPoison(message: ReceivedCodeMessage, record: string): Promise<void> {
    try {
      await this.poison.sendMessage(record);
    } catch (error) {
      if (!(isRestError(error) && error.statusCode === 404)) throw unavailable(error);
      await this.call(() => this.poison.createIfNotExists());
      await this.call(() => this.poison.sendMessage(record));
    }
    await this.settle(message);
  }

  async send(text: string, delaySeconds: number): Promise<void> {
    await this.call(() => this.queue.sendMessage(text, { visibilityTimeout: delaySeconds, messageTimeToLive: -1 }));
  }

  private popReceipt(message: ReceivedCodeMessage): string {
    const receipt = this.popReceipts.get(message);
    if (!receipt) throw new Error(`Message ${message.id} was not received by this consumer`);
    return receipt;
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw unavailable(error);
    }
  }
}

function unavailable(error: unknown): QueueUnavailableError {
  return new QueueUnavailableError(describeStorageFailure(error), { cause: error });
}
