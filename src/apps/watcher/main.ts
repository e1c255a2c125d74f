import { Logger as NestLogger } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { ConfigValidationError } from '../../config/config.errors.js';
import { HttpConfig } from '../../config/http.config.js';
import { exitGracefullyOnSignals } from '../../common/graceful-shutdown.js';
import { createWatcher } from './watcher.factory.js';

/**
 * The queue watcher (`npm run start:watcher`): keeps the valid-code table from code-requests. Run as
 * many as needed; they compete safely for messages. SIGTERM stops receiving, finishes or releases
 * the batch in hand and exits, bounded by SHUTDOWN_TIMEOUT_MS (unfinished messages then reappear).
 */
async function main(): Promise<void> {
  const app = await createWatcher(process.env);
  app.useLogger(app.get(Logger));
  await app.init();
  const logger = new NestLogger('Watcher');
  exitGracefullyOnSignals(() => app.close(), {
    finishing: 'finishing the batch in hand',
    onTimeout: 'unsettled messages reappear after their visibility timeout',
    timeoutMs: app.get(HttpConfig).shutdownTimeoutMs,
    logger,
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else console.error('Watcher failed to start:', error);
  process.exit(1);
});
