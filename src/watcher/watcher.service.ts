import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CodeTable } from '../code-table/code-table.js';
import { Clock } from '../common/clock.js';
import { QueueConfig } from '../queue/queue.config.js';
import { CodeQueueConsumer } from '../queue/code-queue-consumer.js';
import { CodeLifecycle } from './code-lifecycle.js';
import { QueueWatcher, type WatcherStats } from './queue-watcher.js';
import { WatcherConfig } from './watcher.config.js';

/** Runs the receive loop for the application's lifetime: starts after bootstrap, drains on shutdown. */
@Injectable()
export class WatcherService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Watcher');
  private readonly watcher: QueueWatcher;

  constructor(
    private readonly queueConfig: QueueConfig,
    private readonly config: WatcherConfig,
    private readonly queue: CodeQueueConsumer,
    table: CodeTable,
    clock: Clock,
  ) {
    const lifecycle = new CodeLifecycle(table, config.codeTtlSeconds);
    this.watcher = new QueueWatcher(queue, lifecycle, config, this.logger, queueConfig.encoding, clock);
  }

  get stats(): WatcherStats {
    return this.watcher.stats;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.queueConfig.createIfMissing) {
      await this.queue.createIfMissing().catch((error: unknown) => this.logger.error(`${(error as { reason?: string }).reason ?? String(error)}`));
    }
    this.watcher.start();
    this.logger.log(
      `Watcher receiving from ${this.queue.queueName} (batch ${this.config.batchSize}, concurrency ${this.config.concurrency}, ` +
        `TTL ${this.config.codeTtlSeconds} s, poison ${this.queue.poisonQueueName} after ${this.config.maxDequeueCount} deliveries)`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.watcher.stop();
    const s = this.watcher.stats;
    this.logger.log(`Watcher drained: ${s.completed} completed, ${s.poisoned} poisoned, ${s.released} released, ${s.failed} failures`);
  }
}
