import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import helmet from 'helmet';
import { AppModule } from './app.module.js';
import type { Env } from '../../config/config-section.js';
import { configuredRoot } from '../../config/config.module.js';
import { loadConfig } from '../../config/load-config.js';
import { configSectionsOf, createWithConfig } from '../../config/module-sections.js';
import { httpConfigSection } from '../../config/http.config.js';
import { runtimeConfigSection } from '../../config/runtime.config.js';
import { mountTiniAppBodyReader } from '../../tiniapp/tiniapp.module.js';
import { cookieMiddleware } from '../../auth/request-cookies.js';
import { applyServerLimits } from '../../common/http-server-limits.js';

/** Every config section the API validates at start-up: its modules' own, and HTTP's (port, proxies, docs). */
export const apiConfigSections = () => [...new Set([httpConfigSection, ...configSectionsOf(AppModule)])];

/**
 * Builds the API from an environment map: validates it (throws ConfigValidationError naming every
 * bad variable), then wires Nest, logging, security headers and docs. Used by main.ts and tests.
 */
export async function createApp(env: Env): Promise<NestExpressApplication> {
  const config = loadConfig(env, apiConfigSections());
  const http = config.get(httpConfigSection);
  const app = await createWithConfig(config, () =>
    NestFactory.create<NestExpressApplication>(configuredRoot(AppModule, config), { bufferLogs: true, abortOnError: false }),
  );
  app.useLogger(app.get(Logger));
  applyServerLimits(app.getHttpServer(), http);
  // A hop count or proxy list, never `true`: see HttpConfig.trustProxy.
  app.set('trust proxy', http.trustProxy);
  app.use(cookieMiddleware());
  app.disable('x-powered-by');
  // Every answer of this API is fresh (a new code, a live health report): ETags would only cost a
  // SHA-1 per response.
  app.set('etag', false);
  mountTiniAppBodyReader(app, config); // before Nest's global JSON parser, which app.listen() adds
  // Browsers on plain-http local development must not be told to upgrade to https.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: config.get(runtimeConfigSection).isProduction ? [] : null } } }));
  if (http.docsEnabled) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Integrated auth service')
        .setDescription('Codes for two-factor sign-in, issued via a key-protected third-party API and an Azure Storage queue.')
        .setVersion('1')
        .build(),
    );
    SwaggerModule.setup('docs', app, document);
  }
  return app;
}
