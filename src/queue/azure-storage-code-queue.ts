import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { QueueClient } from '@azure/storage-queue';
import { CodeQueue, type CodeMessage } from './code-queue.js';
import { QueueConfig } from './queue.config.js';
import { QueueUnavailableError } from './queue.errors.js';
import { createQueueClient } from '../azure/storage-clients.js';
import { describeStorageFailure, describeStorageFailureOf, type StorageResource } from '../azure/storage-failure.js';
import { currentTraceparent, inSpan, SpanKind } from '../observability/instruments.js';
import { recordQueueSend } from './queue.metrics.js';

/** The code queue as a storage resource (for the log and the doctor). */
export function codeQueueResource(config: Pick<QueueConfig, 'queueName' | 'queueUrl'>): StorageResource {
  return {
    kind: 'queue',
    name: config.queueName,
    nameVariable: config.queueUrl ? 'STORAGE_QUEUE_URL' : 'STORAGE_QUEUE_NAME',
    createVariable: 'QUEUE_CREATE_IF_MISSING',
    role: 'Storage Queue Data Contributor',
  };
}

/** The code queue on Azure Storage (or Azurite): one client, reused for every send. */
@Injectable()
export class AzureStorageCodeQueue extends CodeQueue implements OnModuleInit {
  private readonly logger = new Logger(AzureStorageCodeQueue.name);
  private readonly client: QueueClient;

  constructor(private readonly config: QueueConfig) {
    super();
    this.client = createQueueClient(config, config.queueName);
  }

  async onModuleInit(): Promise<void> {
    if (!this.config.createIfMissing) return;
    try {
      await this.client.createIfNotExists();
    } catch (error) {
      // Not fatal: readiness reports the queue until it is reachable.
      this.logger.error(`Could not create queue "${this.config.queueName}": ${describeStorageFailure(error)}`);
    }
  }

  /** A producer span whose traceparent travels inside the message to the watcher. */
  send(message: CodeMessage): Promise<void> {
    const queue = this.config.queueName;
    const attributes = { 'messaging.system': 'azure_storage_queue', 'messaging.destination.name': queue, 'messaging.operation.type': 'send' };
    return inSpan(`send ${queue}`, { kind: SpanKind.PRODUCER, attributes }, async () => {
      const traceparent = currentTraceparent();
      const json = JSON.stringify(traceparent ? { ...message, traceparent } : message);
      const body = this.config.encoding === 'base64' ? Buffer.from(json, 'utf8').toString('base64') : json;
      try {
        await this.client.sendMessage(body);
        recordQueueSend('ok', queue);
      } catch (error) {
        recordQueueSend('failed', queue);
        // The log names a missing queue or role and its fix; the answer stays QUEUE_UNAVAILABLE.
        throw new QueueUnavailableError(describeStorageFailureOf(error, codeQueueResource(this.config)), { cause: error });
      }
    });
  }

  async ping(): Promise<void> {
    try {
      await this.client.getProperties();
    } catch (error) {
      throw new QueueUnavailableError(describeStorageFailureOf(error, codeQueueResource(this.config)), { cause: error });
    }
  }
}
