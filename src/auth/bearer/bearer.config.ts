import { z } from 'zod';
import { defineConfigSection, envBoolean, envInt, optionalString } from '../../config/config-section.js';
import { authConfigSection } from '../auth.config.js';
import { csvList, oidcConfigSection } from '../oidc/oidc.config.js';

export const BEARER_MODES = ['jwt', 'introspection', 'off'] as const;
export type BearerMode = (typeof BEARER_MODES)[number];

/** The API's audience unless AUTH_BEARER_AUDIENCE says otherwise (the dev IdP's default `aud`). */
export const DEFAULT_API_AUDIENCE = 'integrated-auth-api';

/** How Bearer tokens (access tokens only) are checked: local JWT verification or introspection. */
export class BearerConfig {
  readonly bearer!: BearerMode;
  /** The IdP's signing algorithms accepted (access tokens and logout tokens). */
  readonly bearerAlgorithms!: readonly string[];
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
}

export const bearerConfigSection = defineConfigSection(
  'bearer',
  BearerConfig,
  z.object({
    AUTH_BEARER: z.enum(BEARER_MODES).default('jwt'),
    AUTH_BEARER_ALGORITHMS: z.string().default('RS256,PS256,ES256'),
    AUTH_BEARER_AUDIENCE: optionalString(),
    AUTH_BEARER_REQUIRE_AT_JWT: envBoolean(false).optional(),
    AUTH_INTROSPECTION_CACHE_SECONDS: envInt(30, 0, 300),
    AUTH_BEARER_CACHE_ENTRIES: envInt(10_000, 0, 1_000_000),
  }),
  (v, _env, config) => {
    const { provider, clientId } = config.get(oidcConfigSection);
    return {
      bearer: v.AUTH_BEARER,
      bearerAlgorithms: csvList(v.AUTH_BEARER_ALGORITHMS),
      bearerAudience: v.AUTH_BEARER_AUDIENCE ?? (provider === 'entra' ? `api://${clientId}` : DEFAULT_API_AUDIENCE),
      bearerRequireAtJwt: v.AUTH_BEARER_REQUIRE_AT_JWT ?? (provider === 'dev' || provider === 'oidc'),
      introspectionCacheSeconds: v.AUTH_INTROSPECTION_CACHE_SECONDS,
      bearerCacheEntries: v.AUTH_BEARER_CACHE_ENTRIES,
    };
  },
  {
    reads: [authConfigSection, oidcConfigSection],
    checks: [
      // Introspection authenticates as the client, so a public client cannot use it.
      (bearer, config) =>
        config.get(authConfigSection).enabled && bearer.bearer === 'introspection' && config.get(oidcConfigSection).clientAuth === 'none'
          ? ['AUTH_BEARER: introspection needs a confidential client (AUTH_CLIENT_AUTH other than none)']
          : [],
    ],
  },
);
