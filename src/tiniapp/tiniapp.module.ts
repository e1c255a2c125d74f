import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { type DynamicModule, Module } from '@nestjs/common';
import { when } from '../config/module-sections.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { LoadedConfig } from '../config/load-config.js';
import { HttpModule } from '@nestjs/axios';
import { TiniAppConfig, tiniAppConfigSection } from './tiniapp.config.js';
import { TINIAPP_ROUTES, tiniAppBodyReader } from './tiniapp.body-reader.js';
import { TikiPlatformApi } from './tiki-platform-api.js';
import { HttpTikiPlatformApi } from './http-tiki-platform-api.js';
import { TiniAppAuthService } from './tiniapp.service.js';
import { TiniAppController } from './tiniapp.controller.js';
import { ClockModule } from '../common/clock.js';

/**
 * The seed 004 Tini App auth backend: /auth_exchange, /auth_refresh, /auth_info, signing each call
 * to Tiki over keep-alive connections. The API imports it only when TiniAppConfig.enabled (see AppModule);
 * its body reader is mounted by createApp.
 */
@Module({
  imports: [
    tiniAppConfigSection.forFeature(),
    ClockModule,
    HttpModule.registerAsync({
      inject: [TiniAppConfig],
      useFactory: (config: TiniAppConfig) => ({
        httpAgent: new HttpAgent({ keepAlive: true, maxSockets: config.maxSockets }),
        httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: config.maxSockets }),
      }),
    }),
  ],
  controllers: [TiniAppController],
  providers: [
    { provide: TikiPlatformApi, useClass: HttpTikiPlatformApi },
    TiniAppAuthService,
  ],
})
export class TiniAppModule {
  /** For a process root: this module only when the Tini App backend is configured (otherwise its routes answer 404). */
  static whenConfigured(): DynamicModule {
    return when(tiniAppConfigSection, (tiniApp) => tiniApp.enabled, TiniAppModule);
  }
}

/**
 * Mounts the bounded raw-body reader on the Tini App routes. Must run before the app is
 * initialised, so it sits in front of Nest's global JSON parser.
 */
export function mountTiniAppBodyReader(app: NestExpressApplication, config: LoadedConfig): void {
  const tiniApp = enabledConfig(config);
  if (tiniApp) app.use([...TINIAPP_ROUTES], tiniAppBodyReader(tiniApp.bodyLimitBytes));
}

function enabledConfig(config: LoadedConfig): TiniAppConfig | undefined {
  if (!config.sections.includes(tiniAppConfigSection)) return undefined;
  const tiniApp = config.get(tiniAppConfigSection);
  return tiniApp.enabled ? tiniApp : undefined;
}
