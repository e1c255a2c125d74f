import { z } from 'zod';
import { envBoolean, envInt, optionalString, optionalUrl } from '../config/config-section.js';

export const AUTH_PROVIDERS = ['keycloak', 'entra', 'oidc', 'dev', 'none'] as const;
export type AuthProvider = (typeof AUTH_PROVIDERS)[number];
export const ROLE_MAPPINGS = ['keycloak', 'entra', 'claim'] as const;
export type RoleMappingKind = (typeof ROLE_MAPPINGS)[number];

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
 * The IdP and this app as its OIDC client: provider preset (keycloak/entra/oidc/dev), issuer,
 * discovery, endpoint overrides, client, scopes, role mapping, and the base URL redirect URIs are built from.
 * NODE_ENV is here because the presets' refusals and `allowHttp` depend on it.
 */
export const authIdpShape = {
  NODE_ENV: z.string().optional(),
  PUBLIC_BASE_URL: optionalUrl(),
  AUTH_PROVIDER: z.enum(AUTH_PROVIDERS).default('none'),
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
  OIDC_CLIENT_SECRET_NAME: z.string().default('oidc-client-secret'),
  OIDC_PUBLIC_CLIENT: envBoolean(false),
  OIDC_SCOPES: z.string().default('openid profile email offline_access'),
  OIDC_ALLOW_HTTP: envBoolean(false).optional(),
  AUTH_CLOCK_TOLERANCE_SECONDS: envInt(30, 0, 600),
  AUTH_ROLE_MAPPING: z.enum(ROLE_MAPPINGS).optional(),
  AUTH_ROLES_CLAIM: z.string().default('roles'),
  AUTH_RESOURCE_CLIENT: optionalString(),
};
export type AuthIdpVars = z.output<z.ZodObject<typeof authIdpShape>>;

/** Who signs users in; Keycloak, Entra ID, any OIDC issuer and the dev IdP are all one OIDC client. */
export interface AuthIdpSettings {
  readonly provider: AuthProvider;
  /** The expected `iss`; for Entra multi-tenant it holds the `{tenantid}` template. */
  readonly issuer: string;
  /** Where the metadata is fetched from (an internal host), when not the issuer itself. */
  readonly discoveryUrl?: string;
  readonly endpoints: EndpointOverrides;
  readonly clientId: string;
  /** Name of the client secret in the secret store; undefined for a public client (PKCE only). */
  readonly clientSecretName?: string;
  readonly scopes: string;
  readonly allowHttp: boolean;
  readonly clockToleranceSeconds: number;
  /** Entra multi-tenant (`common`/`organizations`): tenants whose users may sign in. */
  readonly allowedTenants: readonly string[];
  readonly roleMapping: RoleMappingKind;
  /** Dot path of the roles claim for the generic mapping (e.g. `roles`, `app.permissions`). */
  readonly rolesClaim: string;
  /** Client whose `resource_access.<client>.roles` count as roles (Keycloak); defaults to clientId. */
  readonly resourceClient: string;
  /** NODE_ENV=production: the session secret must be at least 32 bytes. */
  readonly production: boolean;
  readonly publicBaseUrl: string;
}

/** What each preset needs; runs only when AUTH_PROVIDER is not `none`. */
export function refineAuthIdp(v: AuthIdpVars, ctx: z.RefinementCtx): void {
  const need = (name: keyof AuthIdpVars, why: string) => {
    if (!v[name]) ctx.addIssue({ code: 'custom', path: [name], message: `is required ${why}` });
  };
  need('PUBLIC_BASE_URL', 'when AUTH_PROVIDER is set (redirect URIs are built from it, never from the Host header)');
  need('OIDC_CLIENT_ID', `when AUTH_PROVIDER=${v.AUTH_PROVIDER}`);
  if (v.AUTH_PROVIDER === 'dev' && v.NODE_ENV === 'production') {
    ctx.addIssue({ code: 'custom', path: ['AUTH_PROVIDER'], message: 'dev is refused when NODE_ENV=production (the dev IdP has a published password)' });
  }
  if (v.AUTH_PROVIDER === 'keycloak') {
    need('KEYCLOAK_URL', 'when AUTH_PROVIDER=keycloak');
    need('KEYCLOAK_REALM', 'when AUTH_PROVIDER=keycloak');
  }
  if (v.AUTH_PROVIDER === 'entra') {
    need('ENTRA_TENANT_ID', 'when AUTH_PROVIDER=entra');
    if (v.ENTRA_TENANT_ID && ENTRA_MULTI_TENANT.includes(v.ENTRA_TENANT_ID)) {
      need('ENTRA_ALLOWED_TENANTS', `when ENTRA_TENANT_ID=${v.ENTRA_TENANT_ID} (a multi-tenant app must list the tenants it accepts)`);
    }
  }
  if (v.AUTH_PROVIDER === 'oidc') need('OIDC_ISSUER_URL', 'when AUTH_PROVIDER=oidc');
}

export function deriveAuthIdp(v: AuthIdpVars): AuthIdpSettings {
  const provider = v.AUTH_PROVIDER;
  const publicBaseUrl = v.PUBLIC_BASE_URL ?? 'http://localhost:3000';
  const production = v.NODE_ENV === 'production';
  const entraHost = (v.ENTRA_AUTHORITY_HOST ?? ENTRA_AUTHORITY_HOST).replace(/\/+$/, '');
  let issuer = v.OIDC_ISSUER_URL ?? '';
  if (provider === 'keycloak') issuer = `${v.KEYCLOAK_URL!.replace(/\/+$/, '')}/realms/${encodeURIComponent(v.KEYCLOAK_REALM!)}`;
  if (provider === 'entra') {
    const tenant = v.ENTRA_TENANT_ID!;
    issuer = ENTRA_MULTI_TENANT.includes(tenant) ? `${entraHost}/{tenantid}/v2.0` : `${entraHost}/${tenant}/v2.0`;
  }
  if (provider === 'dev') issuer = v.OIDC_ISSUER_URL ?? 'http://localhost:4000';
  const discoveryUrl =
    v.OIDC_DISCOVERY_URL ?? (provider === 'entra' && issuer.includes('{tenantid}') ? `${entraHost}/${v.ENTRA_TENANT_ID}/v2.0` : undefined);
  const clientId = v.OIDC_CLIENT_ID ?? '';
  return {
    provider,
    issuer,
    discoveryUrl,
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
    clientSecretName: v.OIDC_PUBLIC_CLIENT ? undefined : v.OIDC_CLIENT_SECRET_NAME,
    scopes: v.OIDC_SCOPES,
    allowHttp: v.OIDC_ALLOW_HTTP ?? !production,
    clockToleranceSeconds: v.AUTH_CLOCK_TOLERANCE_SECONDS,
    allowedTenants: csvList(v.ENTRA_ALLOWED_TENANTS),
    roleMapping:
      v.AUTH_ROLE_MAPPING ?? (provider === 'entra' ? 'entra' : provider === 'keycloak' || provider === 'dev' ? 'keycloak' : 'claim'),
    rolesClaim: v.AUTH_ROLES_CLAIM,
    resourceClient: v.AUTH_RESOURCE_CLIENT ?? clientId,
    production,
    publicBaseUrl,
  };
}
