import { createQueueClient } from '../azure/storage-clients.js';
import type { CodeQueueConsumer } from './code-queue-consumer.js';
import { AzureStorageCodeQueueConsumer } from './azure-storage-code-queue-consumer.js';
import type { QueueConfig } from './queue.config.js';

/**
 * Builds the consumer side of the configured queue. Azure Storage (or Azurite) is the only provider
 * today; a second one is one implementation file plus a case here (DEVELOPERS.md has the recipe).
 */
export function createCodeQueueConsumer(config: QueueConfig, poisonQueueName: string): CodeQueueConsumer {
  return new AzureStorageCodeQueueConsumer(createQueueClient(config, config.queueName), createQueueClient(config, poisonQueueName));
}
