import { z } from 'zod';
import { defineConfigSection, envBoolean, envInt, optionalUrl, type Env } from '../config/config-section.js';

export const SECRETS_PROVIDERS = ['local', 'keyvault'] as const;
export type SecretsProvider = (typeof SECRETS_PROVIDERS)[number];

/** Where secrets come from and how long a cached copy is trusted. */
export class SecretsConfig {
  readonly provider!: SecretsProvider;
  readonly keyVaultUrl?: string;
  /** Only for vaults behind a non-vault.azure.net host (sovereign clouds, a test double). */
  readonly keyVaultDisableChallengeResourceVerification!: boolean;
  /** First step of the SDK's exponential back-off on 429/5xx (1, 2, 4, 8, 16 s by default). */
  readonly keyVaultRetryDelayMs!: number;
  /** Re-read a cached secret after this long; 0 = only when it stops working. */
  readonly maxAgeMs!: number;
  /** Start-up retry of the first read: back-off from 1 s up to this. */
  readonly startupRetryMaxDelayMs!: number;
  /** `SECRET_<NAME>` / `SECRET_<NAME>_FILE` values, for the local provider. */
  readonly localValues!: Readonly<Record<string, string>>;
}

/** `third-party-api-key` → `SECRET_THIRD_PARTY_API_KEY`. */
export function localSecretVariable(name: string): string {
  return `SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export const secretsConfigSection = defineConfigSection(
  'secrets',
  SecretsConfig,
  z
    .object({
      SECRETS_PROVIDER: z.enum(SECRETS_PROVIDERS).optional(),
      KEY_VAULT_URL: optionalUrl(),
      KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: envBoolean(false),
      KEY_VAULT_RETRY_DELAY_MS: envInt(1000, 1, 60_000),
      SECRETS_MAX_AGE_SECONDS: envInt(3600, 0, 30 * 86_400),
      SECRETS_STARTUP_RETRY_MAX_DELAY_SECONDS: envInt(30, 1, 600),
    })
    .superRefine((v, ctx) => {
      // The sample's provisioning sets KEY_VAULT_URL only, so its presence picks Key Vault.
      const provider = v.SECRETS_PROVIDER ?? (v.KEY_VAULT_URL ? 'keyvault' : 'local');
      if (provider === 'keyvault' && !v.KEY_VAULT_URL) {
        ctx.addIssue({ code: 'custom', path: ['KEY_VAULT_URL'], message: 'is required when SECRETS_PROVIDER=keyvault' });
      }
    }),
  (v, env: Env) => ({
    provider: v.SECRETS_PROVIDER ?? (v.KEY_VAULT_URL ? 'keyvault' : 'local'),
    keyVaultUrl: v.KEY_VAULT_URL,
    keyVaultDisableChallengeResourceVerification: v.KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION,
    keyVaultRetryDelayMs: v.KEY_VAULT_RETRY_DELAY_MS,
    maxAgeMs: v.SECRETS_MAX_AGE_SECONDS * 1000,
    startupRetryMaxDelayMs: v.SECRETS_STARTUP_RETRY_MAX_DELAY_SECONDS * 1000,
    localValues: Object.fromEntries(
      Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('SECRET_') && e[1] !== undefined),
    ),
  }),
  { variablePrefixes: ['SECRET_'] },
);
