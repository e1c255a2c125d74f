import { z } from 'zod';
import { authBearerShape, DEFAULT_API_AUDIENCE, deriveAuthBearer, refineAuthBearer } from './auth-bearer.config.js';
import type { AuthProvider } from './auth-idp.config.js';

const schema = z.object({ OIDC_PUBLIC_CLIENT: z.boolean().default(false), ...authBearerShape }).superRefine(refineAuthBearer);
const derive = (provider: AuthProvider, env: Record<string, unknown> = {}) => deriveAuthBearer(schema.parse(env), { provider, clientId: 'app' });

describe('auth Bearer part', () => {
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
      ['AUTH_BEARER', 'introspection needs a confidential client (OIDC_PUBLIC_CLIENT=false)'],
    ]);
    expect(schema.safeParse({ AUTH_BEARER: 'introspection' }).success).toBe(true);
    expect(schema.safeParse({ AUTH_INTROSPECTION_CACHE_SECONDS: '301' }).error?.issues[0]?.path).toEqual(['AUTH_INTROSPECTION_CACHE_SECONDS']);
  });
});
