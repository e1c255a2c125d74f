import { createCodeQueueConsumer } from './code-queue-consumer.factory.js';
import { AzureStorageCodeQueueConsumer } from './azure-storage-code-queue-consumer.js';
import { queueConfigSection, type QueueConfig } from './queue.config.js';

describe('createCodeQueueConsumer', () => {
  it('builds the Azure Storage consumer on the configured queue and its poison queue', () => {
    const parsed = queueConfigSection.parse({ STORAGE_QUEUE_URL: 'https://acct.queue.core.windows.net/code-requests' });
    const consumer = createCodeQueueConsumer((parsed as { value: QueueConfig }).value, 'code-requests-poison');
    expect(consumer).toBeInstanceOf(AzureStorageCodeQueueConsumer);
    expect([consumer.queueName, consumer.poisonQueueName]).toEqual(['code-requests', 'code-requests-poison']);
  });
});
