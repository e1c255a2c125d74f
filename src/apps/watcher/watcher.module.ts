import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule } from '../../config/config.module.js';
import type { LoadedConfig } from '../../config/load-config.js';
import { LoggingModule } from '../../common/logging.module.js';
import { CodeTableModule } from '../../code-table/code-table.module.js';
import { WatcherService } from '../../watcher/watcher.service.js';
import { WatcherConfig } from '../../watcher/watcher.config.js';
import { QueueConfig } from '../../queue/queue.config.js';
import { CodeQueueConsumer } from '../../queue/code-queue-consumer.js';
import { createCodeQueueConsumer } from '../../queue/code-queue-consumer.factory.js';
import { WatcherOpsModule } from '../../observability/watcher-ops.module.js';
import { SecretsModule } from '../../secrets/secrets.module.js';
import { metricsTokenFromSecrets } from '../../secrets/metrics-token.provider.js';
import { ClockModule } from '../../common/clock.js';

/** The watcher's root module: config, logging, the code table and the receive loop. No HTTP. */
@Module({})
export class WatcherModule {
  static forRoot(config: LoadedConfig): DynamicModule {
    return {
      module: WatcherModule,
      imports: [
        AppConfigModule.forRoot(config),
        ClockModule,
        LoggingModule.forRoot({ batch: false }),
        SecretsModule,
        CodeTableModule,
        WatcherOpsModule.forRoot({ metricsToken: metricsTokenFromSecrets }),
      ],
      providers: [
        {
          provide: CodeQueueConsumer,
          inject: [QueueConfig, WatcherConfig],
          useFactory: (queue: QueueConfig, watcher: WatcherConfig) => createCodeQueueConsumer(queue, watcher.poisonQueueName),
        },
        WatcherService,
      ],
    };
  }
}
