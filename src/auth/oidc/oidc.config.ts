import { z } from 'zod';
import { type ConfigReader, defineConfigSection, envBoolean, envInt, optionalString, optionalUrl } from '../../config/config-section.js';
import { runtimeConfigSection } from '../../config/runtime.config.js';
import { type AuthProvider, authConfigSection } from '../auth.config.js';

export const ROLE_MAPPINGS = ['keycloak', 'entra', 'claim'] as const;
export type RoleMappingKind = (typeof ROLE_MAPPINGS)[number];

/**
 * How the app authenticates to the IdP (AUTH_CLIENT_AUTH), on every call to the token,
 * introspection and revocation endpoints: a shared secret (basic or post), an assertion signed by
 * the app's own key (`private_key_jwt`), a managed-identity token as the assertion (`federated`),
 * or nothing (`none`, a public client with PKCE only).
 */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'federated', 'none'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** Entra's audience for a managed identity's token used as a federated credential. */
export const FEDERATED_ASSERTION_SCOPE = 'api://AzureADTokenExchange/.default';

/** Endpoints that may differ from the discovered ones (split public/internal hosts). */
export interface EndpointOverrides {
  authorization_endpoint?: string;
  token_endpoint?: string;
  jwks_uri?: string;
  userinfo_endpoint?: string;
  introspection_endpoint?: string;
  end_session_endpoint?: string;
}

/** A comma-separated list, blanks dropped. */
export const csvList = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

const ENTRA_MULTI_TENANT = ['common', 'organizations', 'consumers'];
const ENTRA_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/**
 * The IdP and this app as its OIDC client: the provider's preset (keycloak/entra/oidc/dev), issuer,
 * discovery, endpoint overrides, client, scopes and role mapping. Keycloak, Entra ID, any OIDC
 * issuer and the dev IdP are all one OIDC client.
 */
export class OidcConfig {
  readonly provider!: AuthProvider;
  /** The expected `iss`; for Entra multi-tenant it holds the `{tenantid}` template. */
  readonly issuer!: string;
  /** Where the metadata is fetched from (an internal host), when not the issuer itself. */
  readonly discoveryUrl?: string;
  readonly endpoints!: EndpointOverrides;
  readonly clientId!: string;
  /** How the client authenticates at the IdP's endpoints (AUTH_CLIENT_AUTH). */
  readonly clientAuth!: ClientAuthMethod;
  /** Name of the client secret in the secret store; only for client_secret_basic/post. */
  readonly clientSecretName?: string;
  /**
   * private_key_jwt: the signing key's name: a Key Vault key (SECRETS_PROVIDER=keyvault; the
   * private key never leaves the vault) or a private JWK/PEM in the local secret store.
   */
  readonly clientKeyName!: string;
  /** federated: the scope of the managed-identity token sent as the client assertion. */
  readonly assertionScope!: string;
  readonly scopes!: string;
  readonly allowHttp!: boolean;
  readonly clockToleranceSeconds!: number;
  /** Entra multi-tenant (`common`/`organizations`): tenants whose users may sign in. */
  readonly allowedTenants!: readonly string[];
  readonly roleMapping!: RoleMappingKind;
  /** Dot path of the roles claim for the generic mapping (e.g. `roles`, `app.permissions`). */
  readonly rolesClaim!: string;
  /** Client whose `resource_access.<client>.roles` count as roles (Keycloak); defaults to clientId. */
  readonly resourceClient!: string;
  /** The app's public base URL (the runtime section's): redirect URIs are built from it, never from the Host header. */
  readonly publicBaseUrl!: string;
  readonly redirectUri!: string;
}

const oidcVariables = z.object({
    KEYCLOAK_URL: optionalUrl(),
    KEYCLOAK_REALM: optionalString(),
    ENTRA_TENANT_ID: optionalString(),
    ENTRA_AUTHORITY_HOST: optionalUrl(),
    ENTRA_ALLOWED_TENANTS: optionalString(),
    OIDC_ISSUER_URL: optionalUrl(),
    OIDC_DISCOVERY_URL: optionalUrl(),
    OIDC_AUTHORIZATION_URL: optionalUrl(),
    OIDC_TOKEN_URL: optionalUrl(),
    OIDC_JWKS_URL: optionalUrl(),
    OIDC_USERINFO_URL: optionalUrl(),
    OIDC_INTROSPECTION_URL: optionalUrl(),
    OIDC_END_SESSION_URL: optionalUrl(),
    OIDC_CLIENT_ID: optionalString(),
    AUTH_CLIENT_AUTH: z.enum(CLIENT_AUTH_METHODS).optional(),
    OIDC_CLIENT_SECRET_NAME: z.string().default('oidc-client-secret'),
    OIDC_CLIENT_KEY_NAME: z.string().regex(/^[0-9a-zA-Z-]{1,127}$/, 'must be a Key Vault key name (letters, digits, dashes)').default('oidc-client-key'),
    AUTH_CLIENT_ASSERTION_SCOPE: z.string().default(FEDERATED_ASSERTION_SCOPE),
    OIDC_PUBLIC_CLIENT: envBoolean(false),
    OIDC_SCOPES: z.string().default('openid profile email offline_access'),
    OIDC_ALLOW_HTTP: envBoolean(false).optional(),
    AUTH_CLOCK_TOLERANCE_SECONDS: envInt(30, 0, 600),
    AUTH_ROLE_MAPPING: z.enum(ROLE_MAPPINGS).optional(),
    AUTH_ROLES_CLAIM: z.string().default('roles'),
    AUTH_RESOURCE_CLIENT: optionalString(),
});
type OidcVariables = z.output<typeof oidcVariables>;

export const oidcConfigSection = defineConfigSection(
  'oidc',
  OidcConfig,
  oidcVariables,
  (v, _env, config) => {
    const provider = config.get(authConfigSection).provider;
    const runtime = config.get(runtimeConfigSection);
    const entraHost = (v.ENTRA_AUTHORITY_HOST ?? ENTRA_AUTHORITY_HOST).replace(/\/+$/, '');
    const tenant = v.ENTRA_TENANT_ID;
    let issuer = v.OIDC_ISSUER_URL ?? '';
    // A preset missing what it needs has no issuer; the checks below name what is missing.
    if (provider === 'keycloak') issuer = v.KEYCLOAK_URL && v.KEYCLOAK_REALM ? `${v.KEYCLOAK_URL.replace(/\/+$/, '')}/realms/${encodeURIComponent(v.KEYCLOAK_REALM)}` : '';
    if (provider === 'entra') issuer = !tenant ? '' : ENTRA_MULTI_TENANT.includes(tenant) ? `${entraHost}/{tenantid}/v2.0` : `${entraHost}/${tenant}/v2.0`;
    if (provider === 'dev') issuer = v.OIDC_ISSUER_URL ?? 'http://localhost:4000';
    const clientId = v.OIDC_CLIENT_ID ?? '';
    // OIDC_PUBLIC_CLIENT=true is the older spelling of AUTH_CLIENT_AUTH=none.
    const clientAuth = v.AUTH_CLIENT_AUTH ?? (v.OIDC_PUBLIC_CLIENT ? 'none' : 'client_secret_basic');
    return Object.assign(Object.create(OidcConfig.prototype) as OidcConfig, {
      provider,
      issuer,
      discoveryUrl: v.OIDC_DISCOVERY_URL ?? (provider === 'entra' && issuer.includes('{tenantid}') ? `${entraHost}/${tenant}/v2.0` : undefined),
      endpoints: Object.fromEntries(
        Object.entries({
          authorization_endpoint: v.OIDC_AUTHORIZATION_URL,
          token_endpoint: v.OIDC_TOKEN_URL,
          jwks_uri: v.OIDC_JWKS_URL,
          userinfo_endpoint: v.OIDC_USERINFO_URL,
          introspection_endpoint: v.OIDC_INTROSPECTION_URL,
          end_session_endpoint: v.OIDC_END_SESSION_URL,
        }).filter(([, url]) => url !== undefined),
      ) as EndpointOverrides,
      clientId,
      clientAuth,
      clientSecretName: usesClientSecret(clientAuth) ? v.OIDC_CLIENT_SECRET_NAME : undefined,
      clientKeyName: v.OIDC_CLIENT_KEY_NAME,
      assertionScope: v.AUTH_CLIENT_ASSERTION_SCOPE,
      scopes: v.OIDC_SCOPES,
      allowHttp: v.OIDC_ALLOW_HTTP ?? !runtime.isProduction,
      clockToleranceSeconds: v.AUTH_CLOCK_TOLERANCE_SECONDS,
      allowedTenants: csvList(v.ENTRA_ALLOWED_TENANTS),
      roleMapping: v.AUTH_ROLE_MAPPING ?? (provider === 'entra' ? 'entra' : provider === 'keycloak' || provider === 'dev' ? 'keycloak' : 'claim'),
      rolesClaim: v.AUTH_ROLES_CLAIM,
      resourceClient: v.AUTH_RESOURCE_CLIENT ?? clientId,
      publicBaseUrl: runtime.publicBaseUrl,
      redirectUri: new URL('/auth/callback', runtime.publicBaseUrl).toString(),
    } satisfies OidcConfig);
  },
  { reads: [authConfigSection, runtimeConfigSection], checks: [presetProblems, plainHttpProblems] },
);

/** Plain-http IdP endpoints only outside production (tokens and codes would cross the network in clear). */
function plainHttpProblems(_oidc: OidcConfig, config: ConfigReader, v: OidcVariables): string[] {
  return config.get(runtimeConfigSection).isProduction && v.OIDC_ALLOW_HTTP === true
    ? ['OIDC_ALLOW_HTTP: true is refused when NODE_ENV=production (codes and tokens would travel over plain HTTP)']
    : [];
}

/** What each preset needs; only once sign-in is on. */
function presetProblems(oidc: OidcConfig, config: ConfigReader, v: OidcVariables): string[] {
  const { provider } = oidc;
  if (provider === 'none') return [];
  const runtime = config.get(runtimeConfigSection);
  const problems: string[] = [];
  const need = (variable: string, present: unknown, why: string) => {
    if (!present) problems.push(`${variable}: is required ${why}`);
  };
  need('PUBLIC_BASE_URL', runtime.publicBaseUrlSet, 'when AUTH_PROVIDER is set (redirect URIs are built from it, never from the Host header)');
  need('OIDC_CLIENT_ID', v.OIDC_CLIENT_ID, `when AUTH_PROVIDER=${provider}`);
  if (provider === 'dev' && runtime.isProduction) problems.push('AUTH_PROVIDER: dev is refused when NODE_ENV=production (the dev IdP has a published password)');
  if (provider === 'keycloak') {
    need('KEYCLOAK_URL', v.KEYCLOAK_URL, 'when AUTH_PROVIDER=keycloak');
    need('KEYCLOAK_REALM', v.KEYCLOAK_REALM, 'when AUTH_PROVIDER=keycloak');
  }
  if (provider === 'entra') {
    need('ENTRA_TENANT_ID', v.ENTRA_TENANT_ID, 'when AUTH_PROVIDER=entra');
    if (v.ENTRA_TENANT_ID && ENTRA_MULTI_TENANT.includes(v.ENTRA_TENANT_ID)) {
      need('ENTRA_ALLOWED_TENANTS', v.ENTRA_ALLOWED_TENANTS, `when ENTRA_TENANT_ID=${v.ENTRA_TENANT_ID} (a multi-tenant app must list the tenants it accepts)`);
    }
  }
  if (provider === 'oidc') need('OIDC_ISSUER_URL', v.OIDC_ISSUER_URL, 'when AUTH_PROVIDER=oidc');
  if (v.OIDC_PUBLIC_CLIENT && v.AUTH_CLIENT_AUTH && v.AUTH_CLIENT_AUTH !== 'none') {
    problems.push(`OIDC_PUBLIC_CLIENT: true contradicts AUTH_CLIENT_AUTH=${v.AUTH_CLIENT_AUTH} (a public client sends no credential; drop one of them)`);
  }
  return problems;
}

/** Whether the method sends a shared secret (read from the secret store by OIDC_CLIENT_SECRET_NAME). */
export function usesClientSecret(method: ClientAuthMethod): method is 'client_secret_basic' | 'client_secret_post' {
  return method === 'client_secret_basic' || method === 'client_secret_post';
}
