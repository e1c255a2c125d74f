import type { AuthProvider } from '../auth.config.js';
import { bearerConfigSection, DEFAULT_API_AUDIENCE } from './bearer.config.js';

const asEnv = (env: Record<string, unknown>) => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
/** The section's answer in zod's shape (success, issues with path and message), with sign-in on. */
const schema = {
  safeParse: (env: Record<string, unknown>) => {
    const r = bearerConfigSection.parse({ AUTH_PROVIDER: 'dev', OIDC_CLIENT_ID: 'app', ...asEnv(env) });
    const issues = r.ok ? [] : r.problems.map((p) => ({ path: [p.slice(0, p.indexOf(':'))], message: p.slice(p.indexOf(':') + 2) }));
    return { success: r.ok, error: r.ok ? undefined : { issues } };
  },
};
/** The Bearer settings for a provider preset and the client id `app`. */
const derive = (provider: AuthProvider, env: Record<string, unknown> = {}) => {
  const r = bearerConfigSection.parse({ AUTH_PROVIDER: provider, OIDC_CLIENT_ID: 'app', ...asEnv(env) });
  if (!r.ok) throw new Error(r.problems.join());
  return r.value;
};

describe('bearer config', () => {
  it('defaults: local JWT verification with asymmetric algorithms, the API audience, bounded caches', () => {
    expect(derive('keycloak')).toEqual({
      bearer: 'jwt',
      bearerAlgorithms: ['RS256', 'PS256', 'ES256'],
      bearerAudience: DEFAULT_API_AUDIENCE,
      bearerRequireAtJwt: false,
      introspectionCacheSeconds: 30,
      bearerCacheEntries: 10_000,
    });
  });

  it('Entra expects api://<client id>; the dev IdP and generic issuers require at+jwt; set values win', () => {
    expect(derive('entra').bearerAudience).toBe('api://app');
    expect([derive('dev').bearerRequireAtJwt, derive('oidc').bearerRequireAtJwt, derive('entra').bearerRequireAtJwt]).toEqual([true, true, false]);
    const set = derive('entra', { AUTH_BEARER_AUDIENCE: 'api://codes', AUTH_BEARER_REQUIRE_AT_JWT: 'true', AUTH_BEARER_ALGORITHMS: ' ES256 ,' });
    expect([set.bearerAudience, set.bearerRequireAtJwt, set.bearerAlgorithms]).toEqual(['api://codes', true, ['ES256']]);
  });

  it('refuses introspection with a public client, and caches out of bounds', () => {
    expect(schema.safeParse({ AUTH_BEARER: 'introspection', OIDC_PUBLIC_CLIENT: true }).error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['AUTH_BEARER', 'introspection needs a confidential client (AUTH_CLIENT_AUTH other than none)'],
    ]);
    expect(schema.safeParse({ AUTH_BEARER: 'introspection' }).success).toBe(true);
    expect(schema.safeParse({ AUTH_INTROSPECTION_CACHE_SECONDS: '301' }).error?.issues[0]?.path).toEqual(['AUTH_INTROSPECTION_CACHE_SECONDS']);
  });
});
