import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { ConfigValidationError } from '../../config/config.errors.js';
import { HttpConfig } from '../../config/http.config.js';
import { LoggingModule } from '../../common/logging.module.js';
import { exitGracefullyOnSignals } from '../../common/graceful-shutdown.js';

/** The API for production: every dependency comes from the environment. */
async function main(): Promise<void> {
  const app = await createApp(process.env);
  const http = app.get(HttpConfig);
  await app.listen(http.port, http.host);
  const logger = new Logger('Main');
  exitGracefullyOnSignals(() => app.close(), {
    finishing: 'finishing in-flight requests',
    timeoutMs: http.shutdownTimeoutMs,
    logger,
  });
  const shownHost = http.host === '0.0.0.0' ? 'localhost' : http.host;
  logger.log(`API listening on http://${shownHost}:${http.port} (docs: ${http.docsEnabled ? '/docs' : 'off'})`);
  LoggingModule.flush(); // the ready line is not held back with the batched request lines
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    console.error(error.message);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`Cannot listen: port ${(error as { port?: number }).port ?? ''} is already in use.`);
  } else {
    console.error('Start-up failed:', error);
  }
  process.exit(1);
});
