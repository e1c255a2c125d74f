import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { SessionsService } from '../../src/auth/sessions/sessions.service.js';
import { CLIENT_ID, CLIENT_SECRET, HttpBrowser, freePort, login, startAuthApp, startTestIdp, type AuthApp } from './support/oidc-harness.js';

const COOKIE = 'app_session';

/**
 * RFC 7009 at logout: the session's refresh token is revoked at the IdP (openid-client's
 * tokenRevocation), so it cannot outlive the logout. Checked by presenting it to the real dev IdP
 * afterwards, as a thief holding a copy would.
 */
describe('logout revokes the refresh token where the IdP offers revocation', () => {
  let idp: RunningDevIdp;
  let app: AuthApp;
  let entraLikeIdp: RunningDevIdp;
  let entraLikeApp: AuthApp;

  beforeAll(async () => {
    const [port, port2] = [await freePort(), await freePort()];
    idp = await startTestIdp([`http://127.0.0.1:${port}`]);
    app = await startAuthApp(port, { AUTH_PROVIDER: 'dev', OIDC_ISSUER_URL: idp.issuer, AUTH_SESSION_STORE: 'memory' });
    // No revocation endpoint in its metadata, like Entra's.
    entraLikeIdp = await startTestIdp([`http://127.0.0.1:${port2}`], { revocation: false });
    entraLikeApp = await startAuthApp(port2, { AUTH_PROVIDER: 'dev', OIDC_ISSUER_URL: entraLikeIdp.issuer, AUTH_SESSION_STORE: 'memory' });
  });

  afterAll(async () => {
    await app?.close();
    await entraLikeApp?.close();
    await idp?.close();
    await entraLikeIdp?.close();
  });

  /** A signed-in browser and the refresh token its session holds (read from the app's own store). */
  async function signedIn(on: AuthApp) {
    const browser = new HttpBrowser();
    await login(browser, on.url);
    const session = (await on.app.get(SessionsService).fromCookie(browser.cookies(on.url).get(COOKIE)))!;
    expect(session.refreshToken).toBeTruthy();
    return { browser, refreshToken: session.refreshToken! };
  }

  const refresh = (issuer: string, refreshToken: string) =>
    fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
  const logout = (browser: HttpBrowser, on: AuthApp) => browser.request(`${on.url}/auth/logout`, { method: 'POST', headers: { origin: on.url } });

  it('after POST /auth/logout the dev IdP refuses the session’s refresh token (invalid_grant)', async () => {
    const { browser, refreshToken } = await signedIn(app);
    expect((await logout(browser, app)).status).toBe(200);
    const answer = await refresh(idp.issuer, refreshToken);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('without a logout the same kind of refresh token still works (the refusal above is the revocation)', async () => {
    const { refreshToken } = await signedIn(app);
    expect((await refresh(idp.issuer, refreshToken)).status).toBe(200);
  });

  it('an IdP without a revocation endpoint (Entra): logout still ends the session, nothing is asked', async () => {
    const { browser, refreshToken } = await signedIn(entraLikeApp);
    expect((await logout(browser, entraLikeApp)).status).toBe(200);
    expect((await browser.request(`${entraLikeApp.url}/auth/me`)).status).toBe(401);
    expect((await refresh(entraLikeIdp.issuer, refreshToken)).status).toBe(200);
  });
});
