import { SignJWT, importJWK } from 'jose';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DEMO_USER } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { CLIENT_ID, freePort, startAuthApp, startTestIdp, type AuthApp } from '../auth/support/oidc-harness.js';

const ACR = 'urn:example:loa:mfa';

/**
 * RFC 9470 for Bearer callers: a token without a recent enough second factor gets 401 with
 * `WWW-Authenticate: Bearer error="insufficient_user_authentication"`, `max_age` and the
 * `acr_values` that would satisfy it; a token whose `acr` (or `amr`) is in STEP_UP_ACR with a
 * recent `auth_time` (the IdP did its own step-up) passes. Tokens are the dev IdP's (real
 * oidc-provider, its own signing key), checked by the app's real Bearer validation.
 */
describe('step-up for Bearer callers (RFC 9470), against the real dev IdP', () => {
  let idp: RunningDevIdp;
  let app: AuthApp;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startTestIdp([`http://127.0.0.1:${port}`]);
    app = await startAuthApp(port, { AUTH_PROVIDER: 'dev', OIDC_ISSUER_URL: idp.issuer, AUTH_SESSION_STORE: 'memory', STEP_UP_ACR: `${ACR} mfa`, STEP_UP_MAX_AGE_SECONDS: '600' });
  });

  afterAll(async () => {
    await app?.close();
    await idp?.close();
  });

  /** An access token as the dev IdP issues them (at+jwt, aud integrated-auth-api), with `claims` added. */
  async function accessToken(claims: Record<string, unknown>): Promise<string> {
    const key = idp.keys[0]!;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: idp.issuer, aud: 'integrated-auth-api', sub: DEMO_USER.sub, client_id: CLIENT_ID, iat: now, exp: now + 120, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
      .sign(await importJWK(key, 'RS256'));
  }
  const account = (token: string) => fetch(`${app.url}/account`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
  const now = () => Math.floor(Date.now() / 1000);
  const CHALLENGE =
    'Bearer error="insufficient_user_authentication", error_description="A second factor within the last 600 seconds is required", max_age=600, acr_values="urn:example:loa:mfa mfa"';

  it('a token with only a password login gets 401 and the challenge (never the login or step-up redirect a browser gets)', async () => {
    const res = await account(await accessToken({ amr: ['pwd'], acr: '1', auth_time: now() - 5 }));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(CHALLENGE);
    expect(res.headers.get('location')).toBeNull();
  });

  it('a token whose acr is in STEP_UP_ACR, with auth_time within max_age, passes', async () => {
    const res = await account(await accessToken({ acr: ACR, amr: ['pwd', 'otp'], auth_time: now() - 30 }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`<dd id="account-subject">${DEMO_USER.sub}</dd>`);
  });

  it('so does one whose amr has a listed value (mfa), and the page says the identity provider did it', async () => {
    const res = await account(await accessToken({ amr: ['pwd', 'mfa'], auth_time: now() - 30 }));
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/UTC<\/time>, by your identity provider/);
  });

  it('the same acr with an auth_time older than max_age, or with none, gets the challenge again', async () => {
    for (const claims of [{ acr: ACR, auth_time: now() - 601 }, { acr: ACR }]) {
      const res = await account(await accessToken(claims));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(CHALLENGE);
    }
  });

  it('a token that fails validation is still invalid_token, not a step-up challenge', async () => {
    const res = await account('not-a-token');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });
});
