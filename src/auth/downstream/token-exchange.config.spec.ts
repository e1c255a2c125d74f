import { tokenExchangeConfigSection } from './token-exchange.config.js';

const value = (env: Record<string, string>) => {
  const r = tokenExchangeConfigSection.parse({ PUBLIC_BASE_URL: 'https://app.example.com', OIDC_CLIENT_ID: 'app', ...env });
  if (!r.ok) throw new Error(r.problems.join());
  return r.value;
};

describe('token exchange config', () => {
  it('by provider: on-behalf-of for Entra, RFC 8693 for the others, off without sign-in', () => {
    expect(value({ AUTH_PROVIDER: 'entra', ENTRA_TENANT_ID: 'tenant' })).toMatchObject({ exchange: 'on-behalf-of', ownAudience: 'api://app' });
    expect(value({ AUTH_PROVIDER: 'keycloak', KEYCLOAK_URL: 'https://kc.example.com', KEYCLOAK_REALM: 'r' })).toMatchObject({ exchange: 'token-exchange', ownAudience: 'integrated-auth-api' });
    expect(value({ AUTH_PROVIDER: 'dev' })).toMatchObject({ exchange: 'token-exchange', cacheEntries: 10_000 });
    expect(value({})).toMatchObject({ exchange: 'off' });
  });

  it('AUTH_TOKEN_EXCHANGE and the cache bound can be set; a bad value names the variable', () => {
    expect(value({ AUTH_PROVIDER: 'dev', AUTH_TOKEN_EXCHANGE: 'off', AUTH_TOKEN_EXCHANGE_CACHE_ENTRIES: '5', AUTH_BEARER_AUDIENCE: 'my-api' })).toEqual({ exchange: 'off', cacheEntries: 5, ownAudience: 'my-api' });
    const r = tokenExchangeConfigSection.parse({ AUTH_TOKEN_EXCHANGE: 'magic' });
    expect(r.ok ? [] : r.problems.join()).toMatch(/^AUTH_TOKEN_EXCHANGE: /);
  });
});
