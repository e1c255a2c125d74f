import { isIP } from 'node:net';
import { z } from 'zod';
import { defineConfigSection, envBoolean, envInt } from './config-section.js';
import { runtimeConfigSection } from './runtime.config.js';

/** How the process serves HTTP: where it listens, which proxies it trusts, docs, shutdown. */
export class HttpConfig {
  readonly host!: string;
  readonly port!: number;
  /**
   * Express `trust proxy`: a hop count (the n proxies nearest this server are trusted, so `req.ip`
   * is the n-th X-Forwarded-For entry from the right) or the addresses/CIDRs of trusted proxies.
   * Never `true` (trust every hop), which would let a client pick its own address.
   */
  readonly trustProxy!: number | readonly string[];
  readonly docsEnabled!: boolean;
  readonly shutdownTimeoutMs!: number;
  /** A client has this long to send a request's headers (slow-header clients: 408, closed). */
  readonly headersTimeoutMs!: number;
  /** ...and this long for the whole request, body included. */
  readonly requestTimeoutMs!: number;
  /**
   * An idle keep-alive connection is kept this long. Above the upstream idle time of the proxy in
   * front (ingress-nginx 60 s), or the proxy may reuse a connection as this server closes it.
   */
  readonly keepAliveTimeoutMs!: number;
  /** The largest request header block accepted (431 beyond). */
  readonly maxHeaderBytes!: number;
}

export const httpConfigSection = defineConfigSection(
  'http',
  HttpConfig,
  z.object({
    HOST: z.string().default('0.0.0.0'),
    PORT: envInt(3000, 0, 65535),
    TRUST_PROXY: trustProxy(),
    DOCS_ENABLED: envBoolean(false).optional(),
    SHUTDOWN_TIMEOUT_MS: envInt(10_000, 0, 600_000),
    HTTP_HEADERS_TIMEOUT_MS: envInt(10_000, 100, 600_000),
    HTTP_REQUEST_TIMEOUT_MS: envInt(30_000, 100, 3_600_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: envInt(65_000, 100, 3_600_000),
    HTTP_MAX_HEADER_BYTES: envInt(16_384, 1024, 1_048_576),
  }).superRefine((v, ctx) => {
    if (v.HTTP_HEADERS_TIMEOUT_MS > v.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['HTTP_HEADERS_TIMEOUT_MS'], message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)' });
    }
  }),
  (v, _env, config) =>
    Object.assign(Object.create(HttpConfig.prototype) as HttpConfig, {
      host: v.HOST,
      port: v.PORT,
      trustProxy: v.TRUST_PROXY,
      // The API description is for developers: off in production unless DOCS_ENABLED=true.
      docsEnabled: v.DOCS_ENABLED ?? !config.get(runtimeConfigSection).isProduction,
      shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
      headersTimeoutMs: v.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: v.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: v.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxHeaderBytes: v.HTTP_MAX_HEADER_BYTES,
    }),
  { reads: [runtimeConfigSection] },
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
