import { z } from 'zod';
import { defineConfigSection, envBoolean, envInt, optionalString } from './config-section.js';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** `LOG_FORMAT`: JSON lines (production, the image) or pino-pretty's readable lines (local use). */
export const logFormatVariable = (fallback: LogFormat) =>
  z.enum(LOG_FORMATS, { error: 'must be json or pretty' }).default(fallback);

/** How the HTTP edge behaves: port, logging, throttling, docs, shutdown. */
export class HttpConfig {
  readonly nodeEnv!: 'development' | 'production' | 'test';
  readonly host!: string;
  readonly port!: number;
  readonly logLevel!: string;
  readonly logFormat!: LogFormat;
  readonly trustProxy!: boolean;
  readonly throttleLimit!: number;
  readonly throttleTtlMs!: number;
  readonly docsEnabled!: boolean;
  readonly shutdownTimeoutMs!: number;
  readonly publicBaseUrl?: string;
  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }
}

export const httpConfigSection = defineConfigSection(
  'http',
  HttpConfig,
  z.object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().default('0.0.0.0'),
    PORT: envInt(3000, 0, 65535),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: logFormatVariable('json'),
    TRUST_PROXY: envBoolean(false),
    THROTTLE_LIMIT: envInt(100, 1, 10_000_000),
    THROTTLE_TTL_SECONDS: envInt(60, 1, 86_400),
    DOCS_ENABLED: envBoolean(true),
    SHUTDOWN_TIMEOUT_MS: envInt(10_000, 0, 600_000),
    PUBLIC_BASE_URL: optionalString(),
  })
    // pino-pretty is a devDependency: the production image does not have it.
    .refine((v) => !(v.NODE_ENV === 'production' && v.LOG_FORMAT === 'pretty'), {
      path: ['LOG_FORMAT'],
      message: 'must be json when NODE_ENV=production (pino-pretty is a devDependency, not in the image)',
    }),
  (v) =>
    Object.assign(Object.create(HttpConfig.prototype) as HttpConfig, {
      nodeEnv: v.NODE_ENV,
      host: v.HOST,
      port: v.PORT,
      logLevel: v.LOG_LEVEL,
      logFormat: v.LOG_FORMAT,
      trustProxy: v.TRUST_PROXY,
      throttleLimit: v.THROTTLE_LIMIT,
      throttleTtlMs: v.THROTTLE_TTL_SECONDS * 1000,
      docsEnabled: v.DOCS_ENABLED,
      shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
      publicBaseUrl: v.PUBLIC_BASE_URL,
    }),
);
