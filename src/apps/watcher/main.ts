import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger as NestLogger } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { loadConfig } from '../../config/load-config.js';
import { ConfigValidationError } from '../../config/config.errors.js';
import { httpConfigSection } from '../../config/http.config.js';
import { WatcherModule } from './watcher.module.js';
import { WATCHER_CONFIG_SECTIONS } from './watcher.sections.js';
import { exitGracefullyOnSignals } from '../../common/graceful-shutdown.js';

/**
 * The queue watcher (`npm run start:watcher`): keeps the valid-code table from code-requests. Run as
 * many as needed; they compete safely for messages. SIGTERM stops receiving, finishes or releases
 * the batch in hand and exits, bounded by SHUTDOWN_TIMEOUT_MS (unfinished messages then reappear).
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env, WATCHER_CONFIG_SECTIONS);
  const http = config.get(httpConfigSection);
  const app = await NestFactory.createApplicationContext(WatcherModule.forRoot(config), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  await app.init();
  const logger = new NestLogger('Watcher');
  exitGracefullyOnSignals(() => app.close(), {
    finishing: 'finishing the batch in hand',
    onTimeout: 'unsettled messages reappear after their visibility timeout',
    timeoutMs: http.shutdownTimeoutMs,
    logger,
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else console.error('Watcher failed to start:', error);
  process.exit(1);
});
