import { z } from 'zod';
import { defineConfigSection, envInt, type Env } from '../config/config-section.js';
import { localSecretVariable, type SecretsConfig, secretsConfigSection } from '../secrets/secrets.config.js';

/** Tiki's platform API paths, relative to the base URL (`https://api.tiki.vn/tiniapp-open-api`). */
export const TIKI_PATHS = {
  token: '/oauth/auth/token',
  refresh: '/oauth/auth/token/refresh',
  me: '/oauth/me',
} as const;

/**
 * The Tini App auth backend (seed 004). `enabled` is false when nothing is configured: the module
 * is then not mounted and its routes answer 404.
 */
export class TiniAppConfig {
  readonly enabled!: boolean;
  readonly clientKey!: string;
  /** Tiki's platform API base, without a trailing slash. */
  readonly baseUrl!: string;
  /** The secret given directly (the seed's CLIENT_SECRET); otherwise read from the secret store. */
  readonly clientSecret?: string;
  /** Name of the client secret in the secret store (Key Vault, or SECRET_<NAME> locally). */
  readonly clientSecretName!: string;
  readonly timeoutMs!: number;
  readonly maxSockets!: number;
  readonly bodyLimitBytes!: number;
}

const DEFAULT_SECRET_NAME = 'tiniapp-client-secret';

/** Each setting under its project name and the seed's name; the project name wins when both are set. */
const ALIASES = {
  clientKey: ['TINIAPP_CLIENT_KEY', 'CLIENT_KEY'],
  clientSecret: ['TINIAPP_CLIENT_SECRET', 'CLIENT_SECRET'],
  endpoint: ['TINIAPP_API_BASE_URL', 'AUTH_ENDPOINT'],
} as const;

function pick(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/**
 * `AUTH_ENDPOINT` in the seed is the full token URL; a base URL works too. Either way the three
 * calls go to `<base>/oauth/...`.
 */
export function tikiBaseUrl(endpoint: string): string {
  let base = endpoint.replace(/\/+$/, '');
  for (const path of [TIKI_PATHS.refresh, TIKI_PATHS.token, TIKI_PATHS.me]) {
    if (base.endsWith(path)) {
      base = base.slice(0, -path.length);
      break;
    }
  }
  return base;
}

const isHttpUrl = (v: string) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol) && !new URL(v).search;

export const tiniAppConfigSection = defineConfigSection(
  'tiniapp',
  TiniAppConfig,
  z
    .looseObject({
      TINIAPP_CLIENT_SECRET_NAME: z.string().regex(/^[A-Za-z0-9-]{1,127}$/, 'must be a Key Vault secret name (letters, digits, dashes)').default(DEFAULT_SECRET_NAME),
      TINIAPP_TIMEOUT_MS: envInt(5000, 1, 120_000),
      TINIAPP_MAX_SOCKETS: envInt(64, 1, 10_000),
      TINIAPP_BODY_LIMIT_BYTES: envInt(8192, 64, 1_048_576),
    })
    .superRefine((v, ctx) => {
      const endpoint = pick(v as Env, ALIASES.endpoint);
      if (endpoint && !isHttpUrl(endpoint.value)) {
        ctx.addIssue({ code: 'custom', path: [endpoint.name], message: 'must be an absolute http(s) URL without a query' });
      }
    }, { when: () => true }), // also when a number above is bad, so every problem is reported at once
  (v, env) => {
    const key = pick(env, ALIASES.clientKey);
    const endpoint = pick(env, ALIASES.endpoint);
    const secret = pick(env, ALIASES.clientSecret);
    return {
      enabled: Boolean(key || endpoint || secret),
      clientKey: key?.value ?? '',
      baseUrl: endpoint ? tikiBaseUrl(endpoint.value) : '',
      clientSecret: secret?.value,
      clientSecretName: v.TINIAPP_CLIENT_SECRET_NAME,
      timeoutMs: v.TINIAPP_TIMEOUT_MS,
      maxSockets: v.TINIAPP_MAX_SOCKETS,
      bodyLimitBytes: v.TINIAPP_BODY_LIMIT_BYTES,
    };
  },
  {
    reads: [secretsConfigSection],
    variables: Object.values(ALIASES).flat(),
    checks: [
      // Not configured: routes off. Partly configured: each missing part under the seed's name, with the alternatives.
      (tiniApp, config) => {
        if (!tiniApp.enabled) return [];
        const missing: Array<[string, string]> = [];
        if (!tiniApp.clientKey) missing.push(['CLIENT_KEY', 'or TINIAPP_CLIENT_KEY']);
        if (!tiniApp.baseUrl) missing.push(['AUTH_ENDPOINT', 'or TINIAPP_API_BASE_URL']);
        const name = tiniApp.clientSecretName;
        if (tiniApp.clientSecret === undefined && !secretInStore(config.get(secretsConfigSection), name)) {
          missing.push(['CLIENT_SECRET', `or TINIAPP_CLIENT_SECRET, ${localSecretVariable(name)} for the local secret store, or the Key Vault secret "${name}" with KEY_VAULT_URL`]);
        }
        return missing.map(([variable, alternatives]) => `${variable}: is required (${alternatives}): the Tini App backend is only partly configured`);
      },
    ],
  },
);

/** The secret can come from the store: Key Vault is in use, or the local variable is set. */
function secretInStore(secrets: SecretsConfig, name: string): boolean {
  if (secrets.provider === 'keyvault') return true;
  const variable = localSecretVariable(name);
  return Boolean(secrets.localValues[variable]?.trim() || secrets.localValues[`${variable}_FILE`]?.trim());
}
