import { z } from 'zod';
import { defineConfigSection, optionalUrl } from './config-section.js';

export const NODE_ENVS = ['development', 'production', 'test'] as const;

/**
 * What every capability may ask about the process: whether it runs in production (NODE_ENV), and
 * the public base URL it is served at (PUBLIC_BASE_URL: redirect URIs, same-origin checks and
 * cookie defaults are built from it, never from a request's Host header). One owner for both, so
 * no other section parses them.
 */
export class RuntimeConfig {
  readonly nodeEnv!: (typeof NODE_ENVS)[number];
  /** PUBLIC_BASE_URL, or `http://localhost:3000` (local development) when it is not set. */
  readonly publicBaseUrl!: string;
  /** Whether PUBLIC_BASE_URL is set (sign-in needs it). */
  readonly publicBaseUrlSet!: boolean;
  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }
}

export const runtimeConfigSection = defineConfigSection(
  'runtime',
  RuntimeConfig,
  z
    .object({
      NODE_ENV: z.enum(NODE_ENVS).default('development'),
      PUBLIC_BASE_URL: optionalUrl(),
    })
    .superRefine((v, ctx) => {
      // As AUTH_COOKIE_SECURE=false is: redirect URIs, cookie defaults and same-origin checks come from it.
      if (v.NODE_ENV === 'production' && v.PUBLIC_BASE_URL !== undefined && new URL(v.PUBLIC_BASE_URL).protocol !== 'https:') {
        ctx.addIssue({ code: 'custom', path: ['PUBLIC_BASE_URL'], message: 'must be https when NODE_ENV=production (redirect URIs, cookies and same-origin checks are built from it)' });
      }
    }),
  (v) =>
    Object.assign(Object.create(RuntimeConfig.prototype) as RuntimeConfig, {
      nodeEnv: v.NODE_ENV,
      publicBaseUrl: v.PUBLIC_BASE_URL ?? 'http://localhost:3000',
      publicBaseUrlSet: v.PUBLIC_BASE_URL !== undefined,
    }),
);
