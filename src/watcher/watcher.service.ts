import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { QueueClient } from '@azure/storage-queue';
import { CodeTable } from '../code-table/code-table.js';
import { QueueConfig } from '../queue/queue.config.js';
import { createQueueClient } from '../azure/storage-clients.js';
import { describeStorageFailure } from '../azure/storage-failure.js';
import { CodeLifecycle } from './code-lifecycle.js';
import { QueueWatcher, type WatcherStats } from './queue-watcher.js';
import { WatcherConfig } from './watcher.config.js';

/** Runs the receive loop for the application's lifetime: starts after bootstrap, drains on shutdown. */
@Injectable()
export class WatcherService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Watcher');
  private readonly queue: QueueClient;
  private readonly poison: QueueClient;
  private readonly watcher: QueueWatcher;

  constructor(
    private readonly queueConfig: QueueConfig,
    private readonly config: WatcherConfig,
    table: CodeTable,
  ) {
    this.queue = createQueueClient(queueConfig, queueConfig.queueName);
    this.poison = createQueueClient(queueConfig, config.poisonQueueName);
    const lifecycle = new CodeLifecycle(table, config.codeTtlSeconds);
    this.watcher = new QueueWatcher(this.queue, this.poison, lifecycle, config, this.logger, queueConfig.encoding);
  }

  get stats(): WatcherStats {
    return this.watcher.stats;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.queueConfig.createIfMissing) {
      for (const client of [this.queue, this.poison]) {
        try {
          await client.createIfNotExists();
        } catch (error) {
          this.logger.error(`Could not create queue "${client.name}": ${describeStorageFailure(error)}`);
        }
      }
    }
    this.watcher.start();
    this.logger.log(
      `Watcher receiving from ${this.queueConfig.queueName} (batch ${this.config.batchSize}, concurrency ${this.config.concurrency}, ` +
        `TTL ${this.config.codeTtlSeconds} s, poison ${this.config.poisonQueueName} after ${this.config.maxDequeueCount} deliveries)`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.watcher.stop();
    const s = this.watcher.stats;
    this.logger.log(`Watcher drained: ${s.completed} completed, ${s.poisoned} poisoned, ${s.released} released, ${s.failed} failures`);
  }
}
