import { SignJWT, importJWK } from 'jose';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DEMO_USER } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { CLIENT_ID, HttpBrowser, freePort, login, startAuthApp, startTestIdp, type AuthApp } from './support/oidc-harness.js';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * The back-channel logout endpoint against a real dev IdP's keys: every logout token the rules
 * refuse is answered 400 and leaves the user's session alone; a valid one ends it once only.
 */
describe('back-channel logout refusals (real app, real IdP keys)', () => {
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

  const now = () => Math.floor(Date.now() / 1000);
  const sign = async (payload: Record<string, unknown>, typ: string | undefined = 'logout+jwt') => {
    const key = idp.keys[0]!;
    return new SignJWT({ iss: idp.issuer, aud: CLIENT_ID, iat: now(), jti: `j-${Math.random()}`, sub: DEMO_USER.sub, events: { [EVENT]: {} }, ...payload })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, ...(typ ? { typ } : {}) })
      .sign(await importJWK(key, 'RS256'));
  };
  const post = (token: string) =>
    fetch(`${app.url}/auth/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: token }),
    });

  const refused: Array<[string, () => Promise<string>]> = [
    ['typ JWT (an ID token’s)', () => sign({}, 'JWT')],
    ['typ at+jwt (an access token’s)', () => sign({}, 'at+jwt')],
    ['iat 3 minutes old', () => sign({ iat: now() - 180 })],
    ['iat 2 minutes in the future', () => sign({ iat: now() + 120 })],
    ['events member not an object', () => sign({ events: { [EVENT]: 'yes' } })],
    ['events an array', () => sign({ events: [EVENT] })],
    ['a nonce', () => sign({ nonce: 'n' })],
    ['neither sid nor sub', () => sign({ sub: undefined })],
  ];
  it.each(refused)('a logout token with %s → 400, session kept', async (_what, make) => {
    const browser = new HttpBrowser();
    await login(browser, app.url);
    const res = await post(await make());
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'INVALID_LOGOUT_TOKEN' });
    expect((await browser.request(`${app.url}/auth/me`)).status).toBe(200);
  });

  it('a valid token without typ is accepted once; the same jti again → 400 and a newer session is kept', async () => {
    const first = new HttpBrowser();
    await login(first, app.url);
    const token = await sign({}, undefined);
    expect((await post(token)).status).toBe(200);
    expect((await first.request(`${app.url}/auth/me`)).status).toBe(401);
    const second = new HttpBrowser();
    await login(second, app.url);
    expect((await post(token)).status).toBe(400);
    expect((await second.request(`${app.url}/auth/me`)).status).toBe(200);
  });
});
