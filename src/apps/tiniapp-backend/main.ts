import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import helmet from 'helmet';
import { configuredRoot } from '../../config/config.module.js';
import { loadConfig } from '../../config/load-config.js';
import { createWithConfig } from '../../config/module-sections.js';
import { ConfigValidationError } from '../../config/config.errors.js';
import { httpConfigSection } from '../../config/http.config.js';
import { tiniAppConfigSection } from '../../tiniapp/tiniapp.config.js';
import { mountTiniAppBodyReader } from '../../tiniapp/tiniapp.module.js';
import { LoggingModule } from '../../common/logging.module.js';
import { applyServerLimits } from '../../common/http-server-limits.js';
import { TiniAppBackendModule, tiniAppBackendConfigSections } from './tiniapp-backend.module.js';

/**
 * The Tini App auth backend alone (`node dist/apps/tiniapp-backend/main.js`), as seed 004 runs on Cloud Run:
 * CLIENT_KEY, CLIENT_SECRET and AUTH_ENDPOINT (or TINIAPP_*) and PORT are all it needs. The API
 * (dist/apps/api/main.js) serves the same routes next to getcode when they are configured there.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env, tiniAppBackendConfigSections());
  if (!config.get(tiniAppConfigSection).enabled) {
    throw new ConfigValidationError(['CLIENT_KEY: is required (or TINIAPP_CLIENT_KEY), with CLIENT_SECRET and AUTH_ENDPOINT: the Tini App backend has nothing else to serve']);
  }
  const http = config.get(httpConfigSection);
  const app = await createWithConfig(config, () =>
    NestFactory.create<NestExpressApplication>(configuredRoot(TiniAppBackendModule, config), { bufferLogs: true, abortOnError: false }),
  );
  app.useLogger(app.get(Logger));
  applyServerLimits(app.getHttpServer(), http);
  app.set('trust proxy', http.trustProxy);
  app.disable('x-powered-by');
  app.use(helmet());
  mountTiniAppBodyReader(app, config);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(http.port, http.host);
  new NestLogger('Main').log(`Tini App backend listening on http://${http.host === '0.0.0.0' ? 'localhost' : http.host}:${http.port}`);
  LoggingModule.flush(); // the ready line is not held back with the batched request lines
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`Cannot listen: port ${(error as { port?: number }).port ?? ''} is already in use.`);
  else console.error('Start-up failed:', error);
  process.exit(1);
});
