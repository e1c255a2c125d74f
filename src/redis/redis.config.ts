import { z } from 'zod';
import { defineConfigSection, envBoolean, envInt, optionalString } from '../config/config-section.js';

export const REDIS_AUTH_MODES = ['none', 'password', 'entra'] as const;
export type RedisAuthMode = (typeof REDIS_AUTH_MODES)[number];

/** Azure Managed Redis listens on 10000 (Azure Cache for Redis on 6380), TLS only. */
export const AZURE_MANAGED_REDIS_PORT = 10000;
export const REDIS_ENTRA_SCOPE = 'https://redis.azure.com/.default';

/**
 * The one Redis connection shared by the capabilities that use it: each declares that it needs
 * Redis (its config section's `needs`), so this section knows who uses it without reading their
 * variables. Either REDIS_URL (local, tests: redis:// or rediss://) or
 * REDIS_HOST + REDIS_PORT (Azure: TLS). Authentication: none, a password from the secret store,
 * or a Microsoft Entra token from DefaultAzureCredential (no access key).
 */
export class RedisConfig {
  /** Some capability is configured to use Redis; otherwise no connection is ever opened. */
  readonly inUse!: boolean;
  /** Which capabilities use it (for messages and readiness), as they declared it. */
  readonly usedBy!: readonly string[];
  /** Readiness fails while Redis is down only if something cannot work without it (sessions). */
  readonly requiredForReadiness!: boolean;
  readonly url?: string;
  readonly host?: string;
  readonly port!: number;
  readonly tls!: boolean;
  readonly auth!: RedisAuthMode;
  readonly username?: string;
  readonly passwordSecretName!: string;
  readonly keyPrefix!: string;
  readonly commandTimeoutMs!: number;
  readonly connectTimeoutMs!: number;
  /** Entra: renew the token this long before it expires (at most half its lifetime). */
  readonly tokenRenewMarginMs!: number;
  /** Where the connection goes, without credentials (safe to log). */
  get target(): string {
    if (this.url) {
      const u = new URL(this.url);
      return `${u.protocol}//${u.hostname}:${u.port || 6379}`;
    }
    return `${this.tls ? 'rediss' : 'redis'}://${this.host}:${this.port}`;
  }
}

const redisUrl = () =>
  optionalString().refine((v) => v === undefined || (URL.canParse(v) && /^rediss?:$/.test(new URL(v).protocol)), {
    message: 'must be a redis:// or rediss:// URL',
  });

export const redisConfigSection = defineConfigSection(
  'redis',
  RedisConfig,
  z
    .object({
      REDIS_URL: redisUrl(),
      REDIS_HOST: optionalString(),
      REDIS_PORT: envInt(AZURE_MANAGED_REDIS_PORT, 1, 65535),
      REDIS_TLS: envBoolean(true),
      REDIS_AUTH: z.enum(REDIS_AUTH_MODES, { error: `must be one of ${REDIS_AUTH_MODES.join(', ')}` }).default('none'),
      REDIS_USERNAME: optionalString(),
      REDIS_PASSWORD_SECRET_NAME: z.string().min(1).default('redis-password'),
      REDIS_KEY_PREFIX: z.string().default('ias:'),
      REDIS_COMMAND_TIMEOUT_MS: envInt(1000, 50, 60_000),
      REDIS_CONNECT_TIMEOUT_MS: envInt(5000, 100, 120_000),
      REDIS_TOKEN_RENEW_MARGIN_SECONDS: envInt(300, 1, 3600),
    })
    .superRefine((v, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
      if (v.REDIS_URL && v.REDIS_HOST) issue('REDIS_URL', 'and REDIS_HOST are mutually exclusive (REDIS_URL locally, REDIS_HOST + REDIS_PORT in Azure)');
      const urlHasPassword = v.REDIS_URL !== undefined && URL.canParse(v.REDIS_URL) && new URL(v.REDIS_URL).password !== '';
      if (urlHasPassword && v.REDIS_AUTH !== 'none') {
        issue('REDIS_URL', `must not carry a password when REDIS_AUTH=${v.REDIS_AUTH} (the password comes from the secret store or Entra)`);
      }
      if (v.REDIS_AUTH === 'none' && v.REDIS_USERNAME) {
        issue('REDIS_USERNAME', 'needs REDIS_AUTH=password or entra');
      }
    }),
  (v) =>
    Object.assign(Object.create(RedisConfig.prototype) as RedisConfig, {
      inUse: false,
      usedBy: [],
      requiredForReadiness: false,
      url: v.REDIS_URL,
      host: v.REDIS_HOST,
      port: v.REDIS_PORT,
      tls: v.REDIS_URL ? new URL(v.REDIS_URL).protocol === 'rediss:' : v.REDIS_TLS,
      auth: v.REDIS_AUTH,
      username: v.REDIS_USERNAME,
      passwordSecretName: v.REDIS_PASSWORD_SECRET_NAME,
      keyPrefix: v.REDIS_KEY_PREFIX,
      commandTimeoutMs: v.REDIS_COMMAND_TIMEOUT_MS,
      connectTimeoutMs: v.REDIS_CONNECT_TIMEOUT_MS,
      tokenRenewMarginMs: v.REDIS_TOKEN_RENEW_MARGIN_SECONDS * 1000,
    }),
  {
    // Told by the capabilities that need Redis (their sections' `needs`).
    complete: (redis, needs) => {
      const usedBy = needs.map((need) => need.by);
      if (usedBy.length && !redis.url && !redis.host) {
        return { ok: false, problems: [`REDIS_URL: or REDIS_HOST is required when ${usedBy.join(' and ')}`] };
      }
      return {
        ok: true,
        value: Object.assign(Object.create(RedisConfig.prototype) as RedisConfig, redis, {
          inUse: usedBy.length > 0,
          usedBy,
          requiredForReadiness: needs.some((need) => need.essential),
        }),
      };
    },
  },
);
