import { EntraRoleMapper, RoleMapper } from '../../src/auth/oidc/role-mapper.js';
import { IssuerDouble } from './support/issuer-double.js';
import { freePort, startAuthApp, type AuthApp } from './support/oidc-harness.js';

const CLIENT = 'integrated-auth-app';
const me = (app: AuthApp, token: string) => fetch(`${app.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } });

describe('Keycloak-shaped tokens (AUTH_PROVIDER=keycloak)', () => {
  let keycloak: IssuerDouble;
  let app: AuthApp;
  let legacyAudienceApp: AuthApp;
  let issuer: string;

  beforeAll(async () => {
    keycloak = await new IssuerDouble().start();
    issuer = `${keycloak.origin}/realms/demo`;
    keycloak.publish(issuer, issuer);
    app = await startAuthApp(await freePort(), {
      AUTH_PROVIDER: 'keycloak',
      KEYCLOAK_URL: keycloak.origin,
      KEYCLOAK_REALM: 'demo',
      AUTH_SESSION_STORE: 'memory',
      GETCODE_AUTH: 'role:codes-reader',
    });
    // A realm whose audience mapper adds the client id to access tokens (the old realm file), and
    // AUTH_BEARER_AUDIENCE set to match: ID and logout tokens carry that audience too.
    legacyAudienceApp = await startAuthApp(await freePort(), {
      AUTH_PROVIDER: 'keycloak',
      KEYCLOAK_URL: keycloak.origin,
      KEYCLOAK_REALM: 'demo',
      AUTH_SESSION_STORE: 'memory',
      AUTH_BEARER_AUDIENCE: CLIENT,
    });
  });
  afterAll(async () => {
    await legacyAudienceApp?.close();
    await app?.close();
    await keycloak?.stop();
  });

  // Keycloak: header typ JWT, claim typ Bearer; the realm's audience mapper adds integrated-auth-api.
  const token = (roles: { realm?: string[]; client?: string[]; other?: string[] }) =>
    keycloak.sign({
      iss: issuer,
      aud: ['integrated-auth-api', 'account'],
      typ: 'Bearer',
      azp: CLIENT,
      sub: 'kc-user-1',
      preferred_username: 'kate',
      realm_access: { roles: roles.realm ?? [] },
      resource_access: { [CLIENT]: { roles: roles.client ?? [] }, 'other-client': { roles: roles.other ?? [] } },
    });

  it('maps realm_access.roles and resource_access.<client>.roles, not other clients’ roles', async () => {
    const res = await me(app, await token({ realm: ['user', 'offline_access'], client: ['codes-reader'], other: ['admin'] }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { roles: string[] }).roles).toEqual(['user', 'offline_access', 'codes-reader']);
  });

  it('GETCODE_AUTH=role:codes-reader: 401 without a token, 403 without the role, let through with it', async () => {
    expect((await fetch(`${app.url}/api/v1/getcode`)).status).toBe(401);
    const denied = await fetch(`${app.url}/api/v1/getcode`, { headers: { authorization: `Bearer ${await token({ realm: ['user'] })}` } });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ error: 'FORBIDDEN', message: 'This needs the role "codes-reader".' });
    const allowed = await fetch(`${app.url}/api/v1/getcode`, { headers: { authorization: `Bearer ${await token({ client: ['codes-reader'] })}` } });
    // Past the guard: the (unreachable) number API answers for the rest.
    expect([401, 403]).not.toContain(allowed.status);
  });

  it('with the default audience (integrated-auth-api) a Keycloak ID token (aud = client id) is refused', async () => {
    const idToken = await keycloak.sign({ iss: issuer, aud: CLIENT, typ: 'ID', azp: CLIENT, nonce: 'n-1', sub: 'kc-user-1', realm_access: { roles: ['user'] } });
    expect((await me(app, idToken)).status).toBe(401);
  });

  it('even with AUTH_BEARER_AUDIENCE = the client id, ID-token- and logout-token-shaped tokens are refused (typ JWT IdPs)', async () => {
    const claims = { iss: issuer, aud: CLIENT, azp: CLIENT, sub: 'kc-user-1', realm_access: { roles: ['user'] } };
    expect((await me(legacyAudienceApp, await keycloak.sign({ ...claims, typ: 'Bearer' }))).status).toBe(200);
    expect((await me(legacyAudienceApp, await keycloak.sign({ ...claims, typ: 'ID', nonce: 'n-1' }))).status).toBe(401);
    expect((await me(legacyAudienceApp, await keycloak.sign({ ...claims, typ: 'ID' }))).status).toBe(401);
    expect((await me(legacyAudienceApp, await keycloak.sign({ ...claims, nonce: 'n-1' }))).status).toBe(401);
    const logout = { ...claims, typ: 'Logout', sid: 's-1', jti: 'j-1', events: { 'http://schemas.openid.net/event/backchannel-logout': {} } };
    expect((await me(legacyAudienceApp, await keycloak.sign(logout))).status).toBe(401);
  });

  it('a token from another realm is refused', async () => {
    const foreign = await keycloak.sign({ iss: `${keycloak.origin}/realms/other`, aud: 'integrated-auth-api', typ: 'Bearer', sub: 'x', realm_access: { roles: ['user'] } });
    expect((await me(app, foreign)).status).toBe(401);
  });
});

describe('Entra-shaped tokens (AUTH_PROVIDER=entra, multi-tenant "organizations" with a tenant allow-list)', () => {
  let entra: IssuerDouble;
  let app: AuthApp;
  const ALLOWED = '11111111-1111-1111-1111-111111111111';
  const OTHER = '22222222-2222-2222-2222-222222222222';

  beforeAll(async () => {
    entra = await new IssuerDouble().start();
    // Entra's multi-tenant metadata names a `{tenantid}` template as its issuer.
    entra.publish(`${entra.origin}/organizations/v2.0`, `${entra.origin}/{tenantid}/v2.0`);
    app = await startAuthApp(await freePort(), {
      AUTH_PROVIDER: 'entra',
      ENTRA_TENANT_ID: 'organizations',
      ENTRA_AUTHORITY_HOST: entra.origin,
      ENTRA_ALLOWED_TENANTS: ALLOWED,
      AUTH_SESSION_STORE: 'memory',
    });
  });
  afterAll(async () => {
    await app?.close();
    await entra?.stop();
  });

  const token = (claims: Record<string, unknown>, tid = ALLOWED, issuerTenant = tid) =>
    // An access token for the app's own API: aud is its Application ID URI (default api://<client id>).
    entra.sign({ iss: `${entra.origin}/${issuerTenant}/v2.0`, aud: `api://${CLIENT}`, scp: 'access_as_user', sub: 'entra-sub', oid: 'oid-1', tid, name: 'Erin Entra', ...claims });

  it('fills the issuer template from tid and maps app roles and groups', async () => {
    const res = await me(app, await token({ roles: ['Codes.Read'], groups: ['6f1c…group-a'] }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'Erin Entra', roles: ['Codes.Read', '6f1c…group-a'] });
  });

  it('refuses an Entra ID token (aud = client id, nonce) as Bearer', async () => {
    const idToken = await entra.sign({ iss: `${entra.origin}/${ALLOWED}/v2.0`, aud: CLIENT, nonce: 'n-1', sub: 'entra-sub', tid: ALLOWED, roles: ['Codes.Read'] });
    expect((await me(app, idToken)).status).toBe(401);
  });

  it('refuses a tenant outside ENTRA_ALLOWED_TENANTS', async () => {
    expect((await me(app, await token({ roles: ['Codes.Read'] }, OTHER))).status).toBe(401);
  });

  it('refuses a token whose issuer names another tenant than its tid', async () => {
    expect((await me(app, await token({ roles: ['Codes.Read'] }, ALLOWED, OTHER))).status).toBe(401);
  });

  it('detects and logs a group overage instead of silently treating it as "no groups"', async () => {
    const mapper = app.app.get(RoleMapper) as EntraRoleMapper;
    expect(mapper).toBeInstanceOf(EntraRoleMapper);
    const before = mapper.overages;
    const res = await me(
      app,
      await token({
        roles: ['Codes.Read'],
        _claim_names: { groups: 'src1' },
        _claim_sources: { src1: { endpoint: 'https://graph.microsoft.com/v1.0/users/oid-1/getMemberObjects' } },
      }),
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { roles: string[] }).roles).toEqual(['Codes.Read']);
    expect(mapper.overages).toBe(before + 1);
  });
});
