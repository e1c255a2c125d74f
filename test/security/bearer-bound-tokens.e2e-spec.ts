import { IssuerDouble } from '../auth/support/issuer-double.js';
import { freePort, startAuthApp, type AuthApp } from '../auth/support/oidc-harness.js';

const CLIENT = 'integrated-auth-app';

/**
 * Finding 8 (issue 17): an access token bound to a key (`cnf` with `jkt`, RFC 9449 DPoP, or
 * `x5t#S256`, RFC 8705 mTLS) is only as good as the proof of that key. This API checks no such
 * proof, so it refuses bound tokens as Bearer rather than let a stolen one be replayed. (The
 * introspection case is in test/auth/introspection.e2e-spec.ts.)
 */
describe('key-bound access tokens presented as plain Bearer (JWT, Keycloak-shaped)', () => {
  let keycloak: IssuerDouble;
  let app: AuthApp;
  let issuer: string;

  beforeAll(async () => {
    keycloak = await new IssuerDouble().start();
    issuer = `${keycloak.origin}/realms/demo`;
    keycloak.publish(issuer, issuer);
    app = await startAuthApp(await freePort(), { AUTH_PROVIDER: 'keycloak', KEYCLOAK_URL: keycloak.origin, KEYCLOAK_REALM: 'demo', AUTH_SESSION_STORE: 'memory' });
  });
  afterAll(async () => {
    await app?.close();
    await keycloak?.stop();
  });

  const me = async (claims: Record<string, unknown> = {}) => {
    const token = await keycloak.sign({ iss: issuer, aud: ['integrated-auth-api'], typ: 'Bearer', azp: CLIENT, sub: 'kc-user-1', realm_access: { roles: ['user'] }, ...claims });
    return (await fetch(`${app.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status;
  };

  it('an unbound access token is accepted (the control)', async () => {
    expect(await me()).toBe(200);
  });

  it.each([
    ['cnf.jkt (DPoP, RFC 9449)', { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' }],
    ['cnf.x5t#S256 (mTLS, RFC 8705)', { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' }],
    ['any other cnf member', { jwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' } }],
  ])('a token bound with %s is refused with 401', async (_kind, cnf) => {
    expect(await me({ cnf })).toBe(401);
  });
});
