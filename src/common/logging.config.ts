import { z } from 'zod';
import { defineConfigSection, envInt } from '../config/config-section.js';
import { runtimeConfigSection } from '../config/runtime.config.js';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** `LOG_FORMAT`: JSON lines (production, the image) or pino-pretty's readable lines (local use). */
export const logFormatVariable = (fallback: LogFormat) => z.enum(LOG_FORMATS, { error: 'must be json or pretty' }).default(fallback);

/** How the process logs (LoggingModule). */
export class LoggingConfig {
  readonly logLevel!: string;
  readonly logFormat!: LogFormat;
  /**
   * JSON logs: info and lower lines are written in batches (up to 4 KB, at least every this many
   * ms); warn and above are written at once. 0 writes every line at once. See LoggingModule.
   */
  readonly logFlushMs!: number;
}

export const loggingConfigSection = defineConfigSection(
  'logging',
  LoggingConfig,
  z.object({
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: logFormatVariable('json'),
    LOG_FLUSH_MS: envInt(1000, 0, 10_000),
  }),
  (v) => ({ logLevel: v.LOG_LEVEL, logFormat: v.LOG_FORMAT, logFlushMs: v.LOG_FLUSH_MS }),
  {
    reads: [runtimeConfigSection],
    checks: [
      // pino-pretty is a devDependency: the production image does not have it.
      (logging, config) =>
        config.get(runtimeConfigSection).isProduction && logging.logFormat === 'pretty'
          ? ['LOG_FORMAT: must be json when NODE_ENV=production (pino-pretty is a devDependency, not in the image)']
          : [],
    ],
  },
);
