import { z } from 'zod';
import { defineConfigSection, envBoolean, envInt, optionalString, optionalUrl } from '../config/config-section.js';

export const AUTH_PROVIDERS = ['keycloak', 'entra', 'oidc', 'dev', 'none'] as const;
export type AuthProvider = (typeof AUTH_PROVIDERS)[number];
export const ROLE_MAPPINGS = ['keycloak', 'entra', 'claim'] as const;
export type RoleMappingKind = (typeof ROLE_MAPPINGS)[number];
export const BEARER_MODES = ['jwt', 'introspection', 'off'] as const;
export type BearerMode = (typeof BEARER_MODES)[number];
export const SESSION_STORES = ['table', 'memory', 'redis'] as const;

/** `none` (anyone), `user` (any signed-in user) or `role:<name>`. */
export type RoutePolicy = { kind: 'none' } | { kind: 'user' } | { kind: 'role'; role: string };

/** Endpoints that may differ from the discovered ones (split public/internal hosts). */
export interface EndpointOverrides {
  authorization_endpoint?: string;
  token_endpoint?: string;
  jwks_uri?: string;
  userinfo_endpoint?: string;
  introspection_endpoint?: string;
  end_session_endpoint?: string;
}

/**
 * Who signs users in (AUTH_PROVIDER) and how sessions and Bearer tokens are checked. Keycloak,
 * Entra ID, any OIDC issuer and the dev IdP are all one OIDC client; only the issuer URL and the
 * role-mapping strategy differ.
 */
export class AuthConfig {
  readonly provider!: AuthProvider;
  /** The expected `iss`; for Entra multi-tenant it holds the `{tenantid}` template. */
  readonly issuer!: string;
  /** Where the metadata is fetched from (an internal host), when not the issuer itself. */
  readonly discoveryUrl?: string;
  readonly endpoints!: EndpointOverrides;
  readonly clientId!: string;
  /** Name of the client secret in the secret store; undefined for a public client (PKCE only). */
  readonly clientSecretName?: string;
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
  readonly bearer!: BearerMode;
  readonly bearerAlgorithms!: readonly string[];
  // --- Bearer tokens (access tokens only) and introspection ---
  /**
   * The `aud` a Bearer token must carry: this API, never the client id (that is the ID token's
   * audience). Defaults: `integrated-auth-api` (what the dev IdP issues; add it in Keycloak with an
   * audience mapper), Entra `api://<client id>` (the Application ID URI it proposes).
   */
  readonly bearerAudience!: string;
  /** Header `typ` must be `at+jwt` (RFC 9068): dev IdP and generic issuers yes, Keycloak/Entra (typ JWT) no. */
  readonly bearerRequireAtJwt!: boolean;
  /** How long an introspection answer (active or not) is reused, never past the token's `exp`; 0 = ask every time. */
  readonly introspectionCacheSeconds!: number;
  /** Bound on remembered Bearer results (verified JWTs and introspection answers); 0 = no cache. */
  readonly bearerCacheEntries!: number;
  readonly sessionStore!: (typeof SESSION_STORES)[number];
  readonly sessionTable!: string;
  readonly sessionTableUrl?: string;
  readonly storageConnectionString?: string;
  readonly sessionTtlSeconds!: number;
  readonly sessionSecretName!: string;
  /**
   * How long an instance may reuse a session it read from the store (0 = read on every request).
   * Logout on this instance is immediate either way; a back-channel logout handled by another
   * instance reaches this one within this time.
   */
  readonly sessionCacheMs!: number;
  // Session lifetime and refresh across replicas (issue 9: idle timeout, refresh serialisation).
  /** Rolling idle timeout: a session unused this long ends, on every instance (stored with it). */
  readonly sessionIdleSeconds!: number;
  /** Bound on the per-instance session cache (AUTH_SESSION_CACHE_MS); the oldest entries go first. */
  readonly sessionCacheMaxEntries!: number;
  /** `__Host-app_session` when the app is served over HTTPS (Path=/, Secure, no Domain), else `app_session`. */
  readonly cookieName!: string;
  readonly cookieSecure!: boolean;
  /** NODE_ENV=production: the session secret must be at least 32 bytes. */
  readonly production!: boolean;
  readonly refreshBeforeSeconds!: number;
  readonly publicBaseUrl!: string;
  readonly postLogoutRedirectUri!: string;
  /**
   * Routes without any auth decorator: `public` keeps other capabilities' routes as they are
   * (they opt in with @Authenticated()/@Roles()); `user` denies by default, @Public() opts out.
   */
  readonly defaultPolicy!: 'public' | 'user';
  get enabled(): boolean {
    return this.provider !== 'none';
  }
  get redirectUri(): string {
    return new URL('/auth/callback', this.publicBaseUrl).toString();
  }
}

const csv = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function parseRoutePolicy(value: string): RoutePolicy | undefined {
  if (value === 'none' || value === 'user') return { kind: value };
  const m = /^role:([\w.:/-]+)$/.exec(value);
  return m ? { kind: 'role', role: m[1]! } : undefined;
}

/** The API's audience unless AUTH_BEARER_AUDIENCE says otherwise (the dev IdP's default `aud`). */
export const DEFAULT_API_AUDIENCE = 'integrated-auth-api';

const ENTRA_MULTI_TENANT = ['common', 'organizations', 'consumers'];

export const authConfigSection = defineConfigSection(
  'auth',
  AuthConfig,
  z
    .object({
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
      AUTH_BEARER: z.enum(BEARER_MODES).default('jwt'),
      AUTH_BEARER_ALGORITHMS: z.string().default('RS256,PS256,ES256'),
      // Bearer tokens (access tokens only) and introspection.
      AUTH_BEARER_AUDIENCE: optionalString(),
      AUTH_BEARER_REQUIRE_AT_JWT: envBoolean(false).optional(),
      AUTH_INTROSPECTION_CACHE_SECONDS: envInt(30, 0, 300),
      AUTH_BEARER_CACHE_ENTRIES: envInt(10_000, 0, 1_000_000),
      AUTH_SESSION_STORE: z.enum(SESSION_STORES).default('table'),
      AUTH_SESSION_TABLE: z.string().regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'must be a valid table name (3-63 letters/digits)').default('sessions'),
      AUTH_SESSION_TABLE_URL: optionalUrl(),
      AZURE_STORAGE_CONNECTION_STRING: optionalString(),
      AUTH_SESSION_TTL_SECONDS: envInt(8 * 3600, 60, 30 * 86_400),
      AUTH_SESSION_SECRET_NAME: z.string().default('session-secret'),
      AUTH_SESSION_CACHE_MS: envInt(0, 0, 60_000),
      // Session lifetime and refresh across replicas.
      AUTH_SESSION_IDLE_SECONDS: envInt(1800, 1, 30 * 86_400),
      AUTH_SESSION_CACHE_MAX_ENTRIES: envInt(10_000, 1, 1_000_000),
      AUTH_COOKIE_NAME: z.string().regex(/^[\w-]+$/, 'must be a cookie token').optional(),
      AUTH_COOKIE_SECURE: envBoolean(true).optional(),
      AUTH_REFRESH_BEFORE_SECONDS: envInt(60, 0, 3600),
      AUTH_POST_LOGOUT_REDIRECT_URL: optionalUrl(),
      AUTH_DEFAULT_POLICY: z.enum(['public', 'user']).default('public'),
    })
    .superRefine((v, ctx) => {
      const need = (name: keyof typeof v, why: string) => {
        if (!v[name]) ctx.addIssue({ code: 'custom', path: [name], message: `is required ${why}` });
      };
      if (v.AUTH_PROVIDER === 'none') return;
      if (v.NODE_ENV === 'production' && v.AUTH_COOKIE_SECURE === false) {
        ctx.addIssue({ code: 'custom', path: ['AUTH_COOKIE_SECURE'], message: 'false is refused when NODE_ENV=production (session cookies would travel over plain HTTP)' });
      }
      const secure = v.AUTH_COOKIE_SECURE ?? (v.NODE_ENV === 'production' || !!v.PUBLIC_BASE_URL?.startsWith('https:'));
      if (/^__(Host|Secure)-/i.test(v.AUTH_COOKIE_NAME ?? '') && !secure) {
        ctx.addIssue({ code: 'custom', path: ['AUTH_COOKIE_NAME'], message: 'a __Host-/__Secure- cookie needs AUTH_COOKIE_SECURE=true (browsers drop it otherwise)' });
      }
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
      if (v.AUTH_BEARER === 'introspection' && v.OIDC_PUBLIC_CLIENT) {
        ctx.addIssue({ code: 'custom', path: ['AUTH_BEARER'], message: 'introspection needs a confidential client (OIDC_PUBLIC_CLIENT=false)' });
      }
      if (v.AUTH_SESSION_STORE === 'table' && !v.AZURE_STORAGE_CONNECTION_STRING && !v.AUTH_SESSION_TABLE_URL) {
        ctx.addIssue({
          code: 'custom',
          path: ['AUTH_SESSION_TABLE_URL'],
          message: 'is required for AUTH_SESSION_STORE=table (or set AZURE_STORAGE_CONNECTION_STRING with a TableEndpoint)',
        });
      }
    }),
  (v) => {
    const provider = v.AUTH_PROVIDER;
    const publicBaseUrl = v.PUBLIC_BASE_URL ?? 'http://localhost:3000';
    const production = v.NODE_ENV === 'production';
    let issuer = v.OIDC_ISSUER_URL ?? '';
    if (provider === 'keycloak') issuer = `${v.KEYCLOAK_URL!.replace(/\/+$/, '')}/realms/${encodeURIComponent(v.KEYCLOAK_REALM!)}`;
    if (provider === 'entra') {
      const tenant = v.ENTRA_TENANT_ID!;
      const host = (v.ENTRA_AUTHORITY_HOST ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
      issuer = ENTRA_MULTI_TENANT.includes(tenant) ? `${host}/{tenantid}/v2.0` : `${host}/${tenant}/v2.0`;
    }
    if (provider === 'dev') issuer = v.OIDC_ISSUER_URL ?? 'http://localhost:4000';
    const entraTenant = v.ENTRA_TENANT_ID;
    const discoveryUrl =
      v.OIDC_DISCOVERY_URL ??
      (provider === 'entra' && issuer.includes('{tenantid}')
        ? `${(v.ENTRA_AUTHORITY_HOST ?? 'https://login.microsoftonline.com').replace(/\/+$/, '')}/${entraTenant}/v2.0`
        : undefined);
    const clientId = v.OIDC_CLIENT_ID ?? '';
    return Object.assign(Object.create(AuthConfig.prototype) as AuthConfig, {
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
      allowedTenants: csv(v.ENTRA_ALLOWED_TENANTS),
      roleMapping:
        v.AUTH_ROLE_MAPPING ?? (provider === 'entra' ? 'entra' : provider === 'keycloak' || provider === 'dev' ? 'keycloak' : 'claim'),
      rolesClaim: v.AUTH_ROLES_CLAIM,
      resourceClient: v.AUTH_RESOURCE_CLIENT ?? clientId,
      bearer: v.AUTH_BEARER,
      bearerAlgorithms: csv(v.AUTH_BEARER_ALGORITHMS),
      bearerAudience: v.AUTH_BEARER_AUDIENCE ?? (provider === 'entra' ? `api://${clientId}` : DEFAULT_API_AUDIENCE),
      bearerRequireAtJwt: v.AUTH_BEARER_REQUIRE_AT_JWT ?? (provider === 'dev' || provider === 'oidc'),
      introspectionCacheSeconds: v.AUTH_INTROSPECTION_CACHE_SECONDS,
      bearerCacheEntries: v.AUTH_BEARER_CACHE_ENTRIES,
      sessionStore: v.AUTH_SESSION_STORE,
      sessionTable: v.AUTH_SESSION_TABLE,
      sessionTableUrl: v.AUTH_SESSION_TABLE_URL,
      storageConnectionString: v.AZURE_STORAGE_CONNECTION_STRING,
      sessionTtlSeconds: v.AUTH_SESSION_TTL_SECONDS,
      sessionSecretName: v.AUTH_SESSION_SECRET_NAME,
      sessionCacheMs: v.AUTH_SESSION_CACHE_MS,
      sessionIdleSeconds: v.AUTH_SESSION_IDLE_SECONDS,
      sessionCacheMaxEntries: v.AUTH_SESSION_CACHE_MAX_ENTRIES,
      // __Host-: the browser keeps it only with Path=/, Secure and no Domain, so no other host
      // (a sibling subdomain) and no plain-http page can set or overwrite it.
      cookieName: v.AUTH_COOKIE_NAME ?? (publicBaseUrl.startsWith('https:') ? '__Host-app_session' : 'app_session'),
      // Secure everywhere except plain-http local development (browsers drop Secure cookies there).
      cookieSecure: v.AUTH_COOKIE_SECURE ?? (production || publicBaseUrl.startsWith('https:')),
      production,
      refreshBeforeSeconds: v.AUTH_REFRESH_BEFORE_SECONDS,
      publicBaseUrl,
      postLogoutRedirectUri: v.AUTH_POST_LOGOUT_REDIRECT_URL ?? new URL('/', publicBaseUrl).toString(),
      defaultPolicy: v.AUTH_DEFAULT_POLICY,
    } satisfies Omit<AuthConfig, 'enabled' | 'redirectUri'>);
  },
);
