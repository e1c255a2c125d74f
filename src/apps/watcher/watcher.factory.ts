import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Env } from '../../config/config-section.js';
import { configuredRoot } from '../../config/config.module.js';
import { httpConfigSection } from '../../config/http.config.js';
import { loadConfig } from '../../config/load-config.js';
import { configSectionsOf, createWithConfig } from '../../config/module-sections.js';
import { WatcherProcessModule } from './watcher-process.module.js';

/** Every config section the watcher validates at start-up: its modules' own, and HTTP's (OPS_PORT's host, shutdown timeout). */
export const watcherConfigSections = () => [...new Set([httpConfigSection, ...configSectionsOf(WatcherProcessModule)])];

/**
 * Builds the watcher from an environment map: validates it (throws ConfigValidationError naming
 * every bad variable), then the Nest application context. Used by main.ts and tests.
 */
export async function createWatcher(env: Env, options: { logger?: false } = {}): Promise<INestApplicationContext> {
  const config = loadConfig(env, watcherConfigSections());
  return createWithConfig(config, () =>
    NestFactory.createApplicationContext(configuredRoot(WatcherProcessModule, config), { bufferLogs: true, abortOnError: false, ...options }),
  );
}
