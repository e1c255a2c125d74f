import { authConfigSection, parseRoutePolicy } from './auth.config.js';

const parse = (env: Record<string, string>) => authConfigSection.parse(env);
const base = { PUBLIC_BASE_URL: 'https://app.example.com', OIDC_CLIENT_ID: 'app', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('auth config', () => {
  it('defaults to AUTH_PROVIDER=none with getcode open, needing nothing else', () => {
    const r = parse({});
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.enabled).toBe(false);
      expect(r.value.getcode).toEqual({ kind: 'none' });
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
    const r = parse({ AUTH_PROVIDER: 'keycloak', GETCODE_AUTH: 'role:' });
    expect(r.ok).toBe(false);
    const text = !r.ok ? r.problems.join('\n') : '';
    for (const name of ['PUBLIC_BASE_URL', 'OIDC_CLIENT_ID', 'KEYCLOAK_URL', 'KEYCLOAK_REALM', 'GETCODE_AUTH', 'AUTH_SESSION_TABLE_URL']) expect(text).toContain(name);
    const m = parse({ ...base, AUTH_PROVIDER: 'entra', ENTRA_TENANT_ID: 'organizations' });
    expect(!m.ok && m.problems.join()).toContain('ENTRA_ALLOWED_TENANTS');
    const g = parse({ GETCODE_AUTH: 'user' });
    expect(!g.ok && g.problems.join()).toContain('GETCODE_AUTH: needs AUTH_PROVIDER');
  });

  it('Secure cookies outside plain-http local development', () => {
    const https = parse({ ...base, AUTH_PROVIDER: 'dev' });
    expect(https.ok && https.value.cookieSecure).toBe(true);
    const local = parse({ ...base, PUBLIC_BASE_URL: 'http://localhost:3000', AUTH_PROVIDER: 'dev' });
    expect(local.ok && local.value.cookieSecure).toBe(false);
    const prod = parse({ ...base, PUBLIC_BASE_URL: 'http://internal:3000', NODE_ENV: 'production', AUTH_PROVIDER: 'oidc', OIDC_ISSUER_URL: 'https://id.example.com' });
    expect(prod.ok && prod.value.cookieSecure).toBe(true);
    expect(prod.ok && prod.value.allowHttp).toBe(false);
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
