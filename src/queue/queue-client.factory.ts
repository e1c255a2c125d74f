import { DefaultAzureCredential } from '@azure/identity';
import { QueueClient, type StoragePipelineOptions } from '@azure/storage-queue';
import type { QueueConfig } from './queue.config.js';

/**
 * One QueueClient for a queue of the configured account, by connection string or by URL with
 * DefaultAzureCredential. `queueName` defaults to the code queue; the watcher also opens the poison
 * queue of the same account this way.
 */
export function createQueueClient(config: QueueConfig, queueName = config.queueName): QueueClient {
  const options: StoragePipelineOptions = {
    retryOptions: {
      maxTries: config.maxTries,
      tryTimeoutInMs: config.requestTimeoutMs,
      retryDelayInMs: config.retryDelayMs,
      maxRetryDelayInMs: config.retryDelayMs * 16,
    },
  };
  if (config.connectionString) return new QueueClient(config.connectionString, queueName, options);
  const url = new URL(config.queueUrl!);
  const segments = url.pathname.split('/');
  segments[segments.length - 1] = queueName;
  url.pathname = segments.join('/');
  return new QueueClient(url.toString(), new DefaultAzureCredential(), options);
}
