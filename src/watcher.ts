import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger as NestLogger } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { loadConfig } from './config/load-config.js';
import { ConfigValidationError } from './config/config.errors.js';
import { httpConfigSection } from './config/http.config.js';
import { WatcherModule } from './watcher/watcher.module.js';
import { WATCHER_CONFIG_SECTIONS } from './watcher/watcher.sections.js';

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
  const shutdown = (signal: NodeJS.Signals) => {
    logger.log(`${signal}: stopping (finishing the batch in hand, up to ${http.shutdownTimeoutMs} ms)`);
    const force = setTimeout(() => {
      logger.error(`Shutdown took longer than ${http.shutdownTimeoutMs} ms; exiting (unsettled messages reappear after their visibility timeout)`);
      process.exit(1);
    }, http.shutdownTimeoutMs);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`Shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else console.error('Watcher failed to start:', error);
  process.exit(1);
});
