import { isIP } from 'node:net';
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
  /**
   * JSON logs: info and lower lines are written in batches (up to 4 KB, at least every this many
   * ms); warn and above are written at once. 0 writes every line at once. See LoggingModule.
   */
  readonly logFlushMs!: number;
  /**
   * Express `trust proxy`: a hop count (the n proxies nearest this server are trusted, so `req.ip`
   * is the n-th X-Forwarded-For entry from the right) or the addresses/CIDRs of trusted proxies.
   * Never `true` (trust every hop), which would let a client pick its own address.
   */
  readonly trustProxy!: number | readonly string[];
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
    LOG_FLUSH_MS: envInt(1000, 0, 10_000),
    TRUST_PROXY: trustProxy(),
    THROTTLE_LIMIT: envInt(100, 1, 10_000_000),
    THROTTLE_TTL_SECONDS: envInt(60, 1, 86_400),
    DOCS_ENABLED: envBoolean(false).optional(),
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
      logFlushMs: v.LOG_FLUSH_MS,
      trustProxy: v.TRUST_PROXY,
      throttleLimit: v.THROTTLE_LIMIT,
      throttleTtlMs: v.THROTTLE_TTL_SECONDS * 1000,
      // The API description is for developers: off in production unless DOCS_ENABLED=true.
      docsEnabled: v.DOCS_ENABLED ?? v.NODE_ENV !== 'production',
      shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
      publicBaseUrl: v.PUBLIC_BASE_URL,
    }),
);

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= bits;
}

/**
 * TRUST_PROXY: unset/`false` = 0 hops (the socket address is the client), `true` = 1 hop (one
 * ingress in front, the usual case), `n` = n hops, or a comma list of proxy addresses/CIDRs
 * (`loopback`, `linklocal`, `uniquelocal` as in Express).
 */
export function trustProxy() {
  return z
    .string()
    .optional()
    .transform((raw, ctx): number | string[] => {
      const v = (raw ?? '').trim();
      if (v === '' || v === 'false' || v === 'no') return 0;
      if (v === 'true' || v === 'yes') return 1;
      if (/^\d+$/.test(v)) {
        const hops = Number(v);
        if (hops <= 10) return hops;
      } else {
        const list = v.split(',').map((s) => s.trim());
        if (list.every(isProxyAddress)) return list;
      }
      ctx.addIssue({ code: 'custom', message: 'must be a hop count 0-10 (true = 1, false = 0) or a comma list of proxy addresses/CIDRs' });
      return z.NEVER;
    });
}
