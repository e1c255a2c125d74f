import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import type { LoadedConfig } from './load-config.js';

/**
 * The process's configuration through @nestjs/config: `ConfigModule.forRoot` with one `registerAs`
 * namespace per section (`ConfigService.get('queue')`, `@Inject(queueConfigSection.KEY)`), and
 * each section class registered as an alias of its namespace provider, so consumers inject the
 * typed class (`constructor(private readonly config: QueueConfig)`).
 *
 * The values come from an environment map validated by `loadConfig` (zod, every bad variable named
 * at once) before Nest starts, never from `process.env` or a `.env` file read here: entry points
 * pass `process.env` (filled by `node --env-file`), tests pass their own map, and several apps in
 * one process each get their own.
 */
@Module({})
export class AppConfigModule {
  static forRoot(config: LoadedConfig): DynamicModule {
    const sectionClasses = config.sections.map((section) => ({ provide: section.token, useExisting: section.KEY }));
    return {
      module: AppConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validatePredefined: false,
          skipProcessEnv: true,
          load: config.sections.map((section) => section.registerAs(config.get(section))),
        }),
      ],
      providers: sectionClasses,
      exports: sectionClasses.map((p) => p.provide),
    };
  }
}

/** A process root (a module that lists modules) with its validated configuration: what Nest creates. */
export function configuredRoot(root: Type<unknown>, config: LoadedConfig): DynamicModule {
  return { module: root, imports: [AppConfigModule.forRoot(config)] };
}
