import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { ConfigValidationError } from '../../config/config.errors.js';
import { HttpConfig } from '../../config/http.config.js';
import { LoggingModule } from '../../common/logging.module.js';
import { exitGracefullyOnSignals } from '../../common/graceful-shutdown.js';
import { DoctorService } from '../../doctor/doctor.service.js';

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
  // The doctor's read-only checks, in the background: a failure is one warn line naming the fix,
  // and the API keeps serving (readiness says whether it is usable).
  void app
    .get(DoctorService)
    .warnAtBoot()
    .then(() => LoggingModule.flush())
    .catch((error: unknown) => logger.warn(`Start-up checks could not run: ${(error as Error).message}`));
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
