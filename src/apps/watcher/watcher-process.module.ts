import { Module } from '@nestjs/common';
import { LoggingModule } from '../../common/logging.module.js';
import { OpsModule } from '../../health/ops.module.js';
import { SecretsModule } from '../../secrets/secrets.module.js';
import { WatcherModule } from '../../watcher/watcher.module.js';

/** The watcher process: the receive loop, its logs (unbatched: crash tests count lines after a SIGKILL) and the operations port. No HTTP API. */
@Module({
  imports: [LoggingModule.forRoot({ batch: false }), SecretsModule, WatcherModule, OpsModule],
})
export class WatcherProcessModule {}
