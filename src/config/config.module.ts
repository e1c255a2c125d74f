import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import type { LoadedConfig } from './load-config.js';

/**
 * Makes each validated section injectable by its class (e.g. `constructor(config: QueueConfig)`),
 * and the whole set readable through @nestjs/config's ConfigService (`config.get('queue')`).
 * The environment is passed in, not read here, so tests and several app instances in one process
 * each get their own.
 */
@Module({})
export class AppConfigModule {
  static forRoot(config: LoadedConfig): DynamicModule {
    const providers = config.sections.map((section) => ({ provide: section.token, useValue: config.get(section) }));
    return {
      module: AppConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          skipProcessEnv: true,
          validatePredefined: false,
          load: [() => Object.fromEntries(config.sections.map((s) => [s.name, config.get(s)]))],
        }),
      ],
      providers,
      exports: [...providers.map((p) => p.provide), ConfigModule],
    };
  }
}
