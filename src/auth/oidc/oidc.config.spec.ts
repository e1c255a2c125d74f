import { runtimeConfigSection } from '../../config/runtime.config.js';
import { oidcConfigSection } from './oidc.config.js';

// The section's refusals apply only once a provider is chosen (AUTH_PROVIDER, the auth section's).
const problems = (env: Record<string, string>) => {
  const r = oidcConfigSection.parse(env);
  return r.ok ? [] : r.problems;
};
/** The IdP settings, with whether this is production (the runtime section's, which `allowHttp` follows). */
const derive = (env: Record<string, string>) => {
  const [oidc, runtime] = [oidcConfigSection.parse(env), runtimeConfigSection.parse(env)];
  if (!oidc.ok || !runtime.ok) throw new Error('config');
  return { ...oidc.value, production: runtime.value.isProduction };
};
const client = { PUBLIC_BASE_URL: 'https://app.example.com', OIDC_CLIENT_ID: 'app' };

describe('oidc config (the IdP and this app as its client)', () => {
  it('defaults: provider none, a confidential client with the usual scopes, http allowed outside production', () => {
    const v = derive({});
    expect(v).toMatchObject({
      provider: 'none',
      issuer: '',
      endpoints: {},
      clientSecretName: 'oidc-client-secret',
      scopes: 'openid profile email offline_access',
      allowHttp: true,
      clockToleranceSeconds: 30,
      allowedTenants: [],
      roleMapping: 'claim',
      rolesClaim: 'roles',
      production: false,
      publicBaseUrl: 'http://localhost:3000',
    });
    expect(derive({ NODE_ENV: 'production' }).allowHttp).toBe(false);
    // Explicitly allowing it is refused in production, naming the variable.
    expect(problems({ NODE_ENV: 'production', OIDC_ALLOW_HTTP: 'true' })).toEqual([
      'OIDC_ALLOW_HTTP: true is refused when NODE_ENV=production (codes and tokens would travel over plain HTTP)',
    ]);
    expect(problems({ NODE_ENV: 'production', OIDC_ALLOW_HTTP: 'false' })).toEqual([]);
    expect(derive({ OIDC_PUBLIC_CLIENT: 'true' }).clientSecretName).toBeUndefined();
  });

  it('presets derive their issuer, discovery URL and role mapping', () => {
    const kc = derive({ ...client, AUTH_PROVIDER: 'keycloak', KEYCLOAK_URL: 'https://kc.example.com/', KEYCLOAK_REALM: 'my realm' });
    expect([kc.issuer, kc.roleMapping, kc.resourceClient]).toEqual(['https://kc.example.com/realms/my%20realm', 'keycloak', 'app']);
    const multi = derive({ ...client, AUTH_PROVIDER: 'entra', ENTRA_TENANT_ID: 'organizations', ENTRA_ALLOWED_TENANTS: 't1, t2' });
    expect([multi.issuer, multi.discoveryUrl, multi.allowedTenants, multi.roleMapping]).toEqual([
      'https://login.microsoftonline.com/{tenantid}/v2.0',
      'https://login.microsoftonline.com/organizations/v2.0',
      ['t1', 't2'],
      'entra',
    ]);
    const single = derive({ ...client, AUTH_PROVIDER: 'entra', ENTRA_TENANT_ID: 'tid' });
    expect([single.issuer, single.discoveryUrl]).toEqual(['https://login.microsoftonline.com/tid/v2.0', undefined]);
    expect(derive({ ...client, AUTH_PROVIDER: 'dev' }).issuer).toBe('http://localhost:4000');
    const split = derive({ ...client, AUTH_PROVIDER: 'oidc', OIDC_ISSUER_URL: 'https://id.example.com', OIDC_TOKEN_URL: 'http://idp.internal/token' });
    expect([split.issuer, split.endpoints]).toEqual(['https://id.example.com', { token_endpoint: 'http://idp.internal/token' }]);
  });

  it('refuses a preset without what it needs, and the dev IdP in production', () => {
    expect(problems({ AUTH_PROVIDER: 'keycloak' })).toEqual([
      'PUBLIC_BASE_URL: is required when AUTH_PROVIDER is set (redirect URIs are built from it, never from the Host header)',
      'OIDC_CLIENT_ID: is required when AUTH_PROVIDER=keycloak',
      'KEYCLOAK_URL: is required when AUTH_PROVIDER=keycloak',
      'KEYCLOAK_REALM: is required when AUTH_PROVIDER=keycloak',
    ]);
    expect(problems({ ...client, AUTH_PROVIDER: 'entra', ENTRA_TENANT_ID: 'common' })).toEqual([
      'ENTRA_ALLOWED_TENANTS: is required when ENTRA_TENANT_ID=common (a multi-tenant app must list the tenants it accepts)',
    ]);
    expect(problems({ ...client, AUTH_PROVIDER: 'oidc' })).toEqual(['OIDC_ISSUER_URL: is required when AUTH_PROVIDER=oidc']);
    expect(problems({ ...client, AUTH_PROVIDER: 'dev', NODE_ENV: 'production' })).toEqual([
      'AUTH_PROVIDER: dev is refused when NODE_ENV=production (the dev IdP has a published password)',
    ]);
  });
});
