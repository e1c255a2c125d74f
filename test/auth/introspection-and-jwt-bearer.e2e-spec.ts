import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { SessionsService } from '../../src/auth/sessions/sessions.service.js';
import { DEV_IDP_DEFAULT_AUDIENCE } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { HttpBrowser, freePort, login, startAuthApp, startTestIdp, type AuthApp } from './support/oidc-harness.js';

const COOKIE = 'app_session';

describe('real IdP access tokens: introspection and JWT Bearer', () => {
  let idp: RunningDevIdp;
  let app: AuthApp;
  let opaqueIdp: RunningDevIdp;
  let opaqueApp: AuthApp;
  let introspecting: AuthApp;

  beforeAll(async () => {
    const [port, port2] = [await freePort(), await freePort()];
    idp = await startTestIdp([`http://127.0.0.1:${port}`]);
    const env = { AUTH_PROVIDER: 'dev', OIDC_ISSUER_URL: idp.issuer, AUTH_SESSION_STORE: 'memory', AUTH_BEARER_AUDIENCE: DEV_IDP_DEFAULT_AUDIENCE };
    app = await startAuthApp(port, env);
    // Opaque access tokens: only the IdP can say whether they are active.
    const port3 = await freePort();
    opaqueIdp = await startTestIdp([`http://127.0.0.1:${port3}`], { accessTokenFormat: 'opaque' });
    const opaqueEnv = { ...env, OIDC_ISSUER_URL: opaqueIdp.issuer, AUTH_BEARER: 'introspection' };
    opaqueApp = await startAuthApp(port3, opaqueEnv);
    introspecting = await startAuthApp(port2, { ...opaqueEnv, PUBLIC_BASE_URL: `http://127.0.0.1:${port3}` });
  });

  afterAll(async () => {
    await introspecting?.close();
    await opaqueApp?.close();
    await opaqueIdp?.close();
    await app?.close();
    await idp?.close();
  });

  async function signedIn() {
    const browser = new HttpBrowser();
    await login(browser, app.url);
    const cookie = browser.cookies(app.url).get(COOKIE)!;
    const session = (await app.app.get(SessionsService).fromCookie(cookie))!;
    return { cookie, session };
  }

  it('the IdP’s own access token is accepted as a Bearer JWT (JWKS, issuer, audience)', async () => {
    const { session } = await signedIn();
    const res = await fetch(`${app.url}/auth/me`, { headers: { authorization: `Bearer ${session.accessToken}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ sub: 'demo-user-0001', roles: ['user', 'codes-reader'], via: 'bearer' });
  });

  it('AUTH_BEARER=introspection: an active opaque token passes (RFC 7662), an unknown one does not', async () => {
    const browser = new HttpBrowser();
    await login(browser, opaqueApp.url);
    const session = (await opaqueApp.app.get(SessionsService).fromCookie(browser.cookies(opaqueApp.url).get(COOKIE)))!;
    expect(session.accessToken).not.toMatch(/^eyJ/);
    const ok = await fetch(`${introspecting.url}/auth/me`, { headers: { authorization: `Bearer ${session.accessToken}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { sub: string }).sub).toBe('demo-user-0001');
    const bad = await fetch(`${introspecting.url}/auth/me`, { headers: { authorization: 'Bearer opaque-token-nobody-issued' } });
    expect(bad.status).toBe(401);
  });
});
