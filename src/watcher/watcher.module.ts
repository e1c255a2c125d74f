import { Module } from '@nestjs/common';
import { ClockModule } from '../common/clock.js';
import { CodeTableModule } from '../code-table/code-table.module.js';
import { CodeQueueConsumer } from '../queue/code-queue-consumer.js';
import { createCodeQueueConsumer } from '../queue/code-queue-consumer.factory.js';
import { QueueConfig, queueConfigSection } from '../queue/queue.config.js';
import { WatcherConfig, watcherConfigSection } from './watcher.config.js';
import { WatcherService } from './watcher.service.js';

/** The queue watcher: the receive loop over the configured queue's consumer side, and the code lifecycle on the code table. */
@Module({
  imports: [watcherConfigSection.forFeature(), queueConfigSection.forFeature(), ClockModule, CodeTableModule],
  providers: [
    {
      provide: CodeQueueConsumer,
      inject: [QueueConfig, WatcherConfig],
      useFactory: (queue: QueueConfig, watcher: WatcherConfig) => createCodeQueueConsumer(queue, watcher.poisonQueueName),
    },
    WatcherService,
  ],
})
export class WatcherModule {}
