import { ConfigValidationError } from '../config/config.errors.js';
import { loadConfig } from '../config/load-config.js';
import { authConfigSection } from './auth.config.js';
import { bearerConfigSection } from './bearer/bearer.config.js';
import { parseRoutePolicy, routePolicyConfigSection } from './guard/route-policy.js';
import { oidcConfigSection } from './oidc/oidc.config.js';
import { sessionsConfigSection } from './sessions/sessions.config.js';

/** Sign-in's configuration as a process loads it: the auth section and its rooms' sections, every problem at once. */
const parse = (env: Record<string, string>) => {
  try {
    const config = loadConfig(env, [authConfigSection, oidcConfigSection, sessionsConfigSection, bearerConfigSection, routePolicyConfigSection]);
    const auth = config.get(authConfigSection);
    const value = { ...config.get(oidcConfigSection), ...config.get(sessionsConfigSection), ...config.get(bearerConfigSection), ...auth, enabled: auth.enabled };
    return { ok: true as const, value };
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    return { ok: false as const, problems: error.problems };
  }
};
const base = { PUBLIC_BASE_URL: 'https://app.example.com', OIDC_CLIENT_ID: 'app', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('auth config', () => {
  it('defaults to AUTH_PROVIDER=none, needing nothing else', () => {
    const r = parse({});
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.enabled).toBe(false);
  });

  it('Bearer tokens: an API audience distinct from the client id, at+jwt where the IdP sets it, bounded caches', () => {
    const dev = parse({ ...base, AUTH_PROVIDER: 'dev' });
    expect(dev.ok && dev.value.bearerAudience).toBe('integrated-auth-api');
    expect(dev.ok && dev.value.bearerRequireAtJwt).toBe(true);
    expect(dev.ok && dev.value.introspectionCacheSeconds).toBe(30);
    expect(dev.ok && dev.value.bearerCacheEntries).toBe(10_000);
    const oidc = parse({ ...base, AUTH_PROVIDER: 'oidc', OIDC_ISSUER_URL: 'https://id.example.com' });
    expect(oidc.ok && oidc.value.bearerRequireAtJwt).toBe(true);
    const kc = parse({ ...base, AUTH_PROVIDER: 'keycloak', KEYCLOAK_URL: 'https://kc.example.com', KEYCLOAK_REALM: 'demo' });
    expect(kc.ok && kc.value.bearerAudience).toBe('integrated-auth-api');
    expect(kc.ok && kc.value.bearerRequireAtJwt).toBe(false);
    const entra = parse({ ...base, AUTH_PROVIDER: 'entra', ENTRA_TENANT_ID: 'contoso-tid' });
    expect(entra.ok && entra.value.bearerAudience).toBe('api://app');
    expect(entra.ok && entra.value.bearerRequireAtJwt).toBe(false);
    const set = parse({ ...base, AUTH_PROVIDER: 'entra', ENTRA_TENANT_ID: 'contoso-tid', AUTH_BEARER_AUDIENCE: 'api://codes', AUTH_BEARER_REQUIRE_AT_JWT: 'true', AUTH_INTROSPECTION_CACHE_SECONDS: '0' });
    expect(set.ok && [set.value.bearerAudience, set.value.bearerRequireAtJwt, set.value.introspectionCacheSeconds]).toEqual(['api://codes', true, 0]);
    for (const [name, value] of [['AUTH_INTROSPECTION_CACHE_SECONDS', '301'], ['AUTH_BEARER_CACHE_ENTRIES', '-1']] as const) {
      const bad = parse({ ...base, AUTH_PROVIDER: 'dev', [name]: value });
      expect(!bad.ok && bad.problems.join()).toContain(name);
    }
  });

  it('builds the issuer per provider', () => {
    const kc = parse({ ...base, AUTH_PROVIDER: 'keycloak', KEYCLOAK_URL: 'https://kc.example.com/', KEYCLOAK_REALM: 'demo' });
    expect(kc.ok && kc.value.issuer).toBe('https://kc.example.com/realms/demo');
    expect(kc.ok && kc.value.roleMapping).toBe('keycloak');
    const entra = parse({ ...base, AUTH_PROVIDER: 'entra', ENTRA_TENANT_ID: 'contoso-tid' });
    expect(entra.ok && entra.value.issuer).toBe('https://login.microsoftonline.com/contoso-tid/v2.0');
    const multi = parse({ ...base, AUTH_PROVIDER: 'entra', ENTRA_TENANT_ID: 'common', ENTRA_ALLOWED_TENANTS: 't1, t2' });
    expect(multi.ok && multi.value.issuer).toBe('https://login.microsoftonline.com/{tenantid}/v2.0');
    expect(multi.ok && multi.value.allowedTenants).toEqual(['t1', 't2']);
    expect(multi.ok && multi.value.roleMapping).toBe('entra');
    const dev = parse({ ...base, AUTH_PROVIDER: 'dev' });
    expect(dev.ok && dev.value.issuer).toBe('http://localhost:4000');
    const oidc = parse({ ...base, AUTH_PROVIDER: 'oidc', OIDC_ISSUER_URL: 'https://id.example.com', AUTH_ROLES_CLAIM: 'app.roles' });
    expect(oidc.ok && oidc.value.roleMapping).toBe('claim');
  });

  it('refuses AUTH_PROVIDER=dev in production, naming the variable', () => {
    const r = parse({ ...base, NODE_ENV: 'production', AUTH_PROVIDER: 'dev' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.join('\n')).toMatch(/AUTH_PROVIDER: dev is refused when NODE_ENV=production/);
  });

  it('names every missing variable', () => {
    const r = parse({ AUTH_PROVIDER: 'keycloak' });
    expect(r.ok).toBe(false);
    const text = !r.ok ? r.problems.join('\n') : '';
    for (const name of ['PUBLIC_BASE_URL', 'OIDC_CLIENT_ID', 'KEYCLOAK_URL', 'KEYCLOAK_REALM', 'AUTH_SESSION_TABLE_URL']) expect(text).toContain(name);
    const m = parse({ ...base, AUTH_PROVIDER: 'entra', ENTRA_TENANT_ID: 'organizations' });
    expect(!m.ok && m.problems.join()).toContain('ENTRA_ALLOWED_TENANTS');
  });

  it('Secure cookies outside plain-http local development', () => {
    const https = parse({ ...base, AUTH_PROVIDER: 'dev' });
    expect(https.ok && https.value.cookieSecure).toBe(true);
    const local = parse({ ...base, PUBLIC_BASE_URL: 'http://localhost:3000', AUTH_PROVIDER: 'dev' });
    expect(local.ok && local.value.cookieSecure).toBe(false);
    const prod = parse({ ...base, NODE_ENV: 'production', AUTH_PROVIDER: 'oidc', OIDC_ISSUER_URL: 'https://id.example.com' });
    expect(prod.ok && prod.value.cookieSecure).toBe(true);
    expect(prod.ok && prod.value.allowHttp).toBe(false);
    // A plain-http public URL is refused in production (issue 17), as AUTH_COOKIE_SECURE=false is.
    const plain = parse({ ...base, PUBLIC_BASE_URL: 'http://internal:3000', NODE_ENV: 'production', AUTH_PROVIDER: 'oidc', OIDC_ISSUER_URL: 'https://id.example.com' });
    expect(!plain.ok && plain.problems.join('\n')).toMatch(/PUBLIC_BASE_URL: must be https when NODE_ENV=production/);
  });

  it('the session cookie is __Host- prefixed by default over HTTPS, a plain name over plain-http local development', () => {
    const https = parse({ ...base, AUTH_PROVIDER: 'dev' });
    expect(https.ok && https.value.cookieName).toBe('__Host-app_session');
    const local = parse({ ...base, PUBLIC_BASE_URL: 'http://localhost:3000', AUTH_PROVIDER: 'dev' });
    expect(local.ok && local.value.cookieName).toBe('app_session');
    const explicit = parse({ ...base, AUTH_PROVIDER: 'dev', AUTH_COOKIE_NAME: 'my_session' });
    expect(explicit.ok && explicit.value.cookieName).toBe('my_session');
    const insecure = parse({ ...base, PUBLIC_BASE_URL: 'http://localhost:3000', AUTH_PROVIDER: 'dev', AUTH_COOKIE_NAME: '__Host-s' });
    expect(!insecure.ok && insecure.problems.join()).toMatch(/AUTH_COOKIE_NAME: a __Host-\/__Secure- cookie needs AUTH_COOKIE_SECURE=true/);
  });

  it('refuses AUTH_COOKIE_SECURE=false in production, naming the variable', () => {
    const r = parse({ ...base, NODE_ENV: 'production', AUTH_PROVIDER: 'oidc', OIDC_ISSUER_URL: 'https://id.example.com', AUTH_COOKIE_SECURE: 'false' });
    expect(!r.ok && r.problems.join()).toMatch(/AUTH_COOKIE_SECURE: false is refused when NODE_ENV=production/);
    const dev = parse({ ...base, AUTH_PROVIDER: 'dev', AUTH_COOKIE_SECURE: 'false' });
    expect(dev.ok).toBe(true);
  });

  it('split endpoints are set explicitly and kept', () => {
    const r = parse({ ...base, AUTH_PROVIDER: 'dev', OIDC_TOKEN_URL: 'http://keycloak.svc:8080/t', OIDC_JWKS_URL: 'http://keycloak.svc:8080/j' });
    expect(r.ok && r.value.endpoints).toEqual({ token_endpoint: 'http://keycloak.svc:8080/t', jwks_uri: 'http://keycloak.svc:8080/j' });
    expect(r.ok && r.value.redirectUri).toBe('https://app.example.com/auth/callback');
  });

  it('parses route policies', () => {
    expect(parseRoutePolicy('none')).toEqual({ kind: 'none' });
    expect(parseRoutePolicy('user')).toEqual({ kind: 'user' });
    expect(parseRoutePolicy('role:codes-reader')).toEqual({ kind: 'role', role: 'codes-reader' });
    expect(parseRoutePolicy('role:')).toBeUndefined();
    expect(parseRoutePolicy('admin')).toBeUndefined();
  });
});
