import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { SessionsService } from '../../src/auth/sessions/sessions.service.js';
import { CLIENT_ID, HttpBrowser, freePort, login, startAuthApp, startTestIdp, type AuthApp } from './support/oidc-harness.js';

const COOKIE = 'app_session';

/**
 * Issue 9, finding 5: Bearer tokens must be access tokens for this API. With the defaults (no
 * AUTH_BEARER_AUDIENCE), the dev IdP's ID token (the one in the logout redirect's `id_token_hint`)
 * and a logout token, both signed by the IdP with `aud` = the client id, opened /auth/me.
 */
describe('Bearer tokens are access tokens for this API (real oidc-provider, default config)', () => {
  let idp: RunningDevIdp;
  let app: AuthApp;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startTestIdp([`http://127.0.0.1:${port}`]);
    app = await startAuthApp(port, { AUTH_PROVIDER: 'dev', OIDC_ISSUER_URL: idp.issuer, AUTH_SESSION_STORE: 'memory' });
  });
  afterAll(async () => {
    await app?.close();
    await idp?.close();
  });

  const me = (token: string) => fetch(`${app.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } });

  async function realTokens() {
    const browser = new HttpBrowser();
    await login(browser, app.url);
    const session = (await app.app.get(SessionsService).fromCookie(browser.cookies(app.url).get(COOKIE)))!;
    return { idToken: session.idToken, accessToken: session.accessToken };
  }

  async function signAsIdp(header: Record<string, unknown>, claims: Record<string, unknown>): Promise<string> {
    const key = idp.keys[0]!;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: idp.issuer, iat: now, exp: now + 120, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, ...header })
      .sign(await importJWK(key, 'RS256'));
  }

  it('the IdP’s real access token (typ at+jwt, aud integrated-auth-api) opens /auth/me', async () => {
    const { accessToken } = await realTokens();
    expect(decodeProtectedHeader(accessToken).typ).toBe('at+jwt');
    const res = await me(accessToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ sub: 'demo-user-0001', via: 'bearer' });
  });

  it('an ID token from a real login (what id_token_hint carries) is refused with 401', async () => {
    const { idToken } = await realTokens();
    expect(decodeJwt(idToken).aud).toBe(CLIENT_ID);
    const res = await me(idToken);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'INVALID_TOKEN', message: 'The access token is not valid.' });
  });

  it('a logout token signed by the IdP (typ logout+jwt, events, aud = client id) is refused with 401', async () => {
    const logoutToken = await signAsIdp(
      { typ: 'logout+jwt' },
      { aud: CLIENT_ID, sub: 'demo-user-0001', sid: randomUUID(), jti: randomUUID(), events: { 'http://schemas.openid.net/event/backchannel-logout': {} } },
    );
    expect((await me(logoutToken)).status).toBe(401);
  });

  it('an IdP-signed JWT for the API audience but without typ at+jwt is refused (the dev IdP sets it on every access token)', async () => {
    const plain = await signAsIdp({ typ: 'JWT' }, { aud: 'integrated-auth-api', sub: 'demo-user-0001', client_id: CLIENT_ID });
    expect((await me(plain)).status).toBe(401);
    const typed = await signAsIdp({ typ: 'at+jwt' }, { aud: 'integrated-auth-api', sub: 'demo-user-0001', client_id: CLIENT_ID });
    expect((await me(typed)).status).toBe(200);
  });

  it('an at+jwt-typed token that carries an ID token’s nonce or a logout token’s events is still refused', async () => {
    const withNonce = await signAsIdp({ typ: 'at+jwt' }, { aud: 'integrated-auth-api', sub: 'demo-user-0001', nonce: 'n-0S6_WzA2Mj' });
    expect((await me(withNonce)).status).toBe(401);
    const withEvents = await signAsIdp({ typ: 'at+jwt' }, { aud: 'integrated-auth-api', sub: 'demo-user-0001', events: {} });
    expect((await me(withEvents)).status).toBe(401);
  });
});
