import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { ConfigValidationError } from './config/config.errors.js';
import { HttpConfig } from './config/http.config.js';

/** The API for production: every dependency comes from the environment. */
async function main(): Promise<void> {
  const app = await createApp(process.env);
  const http = app.get(HttpConfig);
  await app.listen(http.port, http.host);
  const logger = new Logger('Main');
  // Graceful shutdown: stop accepting, let in-flight requests finish, close clients (Nest's
  // shutdown hooks), bounded by SHUTDOWN_TIMEOUT_MS.
  const shutdown = (signal: NodeJS.Signals) => {
    logger.log(`${signal}: shutting down (finishing in-flight requests, up to ${http.shutdownTimeoutMs} ms)`);
    const force = setTimeout(() => {
      logger.error(`Shutdown took longer than ${http.shutdownTimeoutMs} ms; exiting anyway`);
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
  const shownHost = http.host === '0.0.0.0' ? 'localhost' : http.host;
  logger.log(`API listening on http://${shownHost}:${http.port} (docs: ${http.docsEnabled ? '/docs' : 'off'})`);
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
