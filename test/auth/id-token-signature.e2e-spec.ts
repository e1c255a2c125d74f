import { generateSigningKeys } from '../../src/dev/dev-idp/dev-idp.provider.js';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { HttpBrowser, TamperingTokenProxy, freePort, login, loginUntilCallback, startAuthApp, startTestIdp, type AuthApp } from './support/oidc-harness.js';

const COOKIE = 'app_session';

function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').pop()) : 0;
}

/**
 * Issue 9, finding 4: with split endpoints over plain HTTP (the local Kubernetes overlay), the
 * token endpoint is the only thing vouching for the ID token unless its signature is checked. A
 * token endpoint that answers an ID token re-signed with a foreign key must not log anyone in.
 */
describe('ID token signature on the code grant (split token endpoint, real oidc-provider)', () => {
  let idp: RunningDevIdp;
  let app: AuthApp;
  let proxy: TamperingTokenProxy;
  let honest: TamperingTokenProxy;
  let honestApp: AuthApp;

  beforeAll(async () => {
    const [port, honestPort] = [await freePort(), await freePort()];
    idp = await startTestIdp([`http://127.0.0.1:${port}`, `http://127.0.0.1:${honestPort}`]);
    // The attacker's key even claims the IdP's own `kid`: only the signature can tell them apart.
    const [foreign] = await generateSigningKeys();
    proxy = await new TamperingTokenProxy(`${idp.issuer}/token`, [{ ...foreign!, kid: idp.keys[0]!.kid }]).start();
    honest = await new TamperingTokenProxy(`${idp.issuer}/token`, idp.keys).start();
    const env = { AUTH_PROVIDER: 'dev', OIDC_ISSUER_URL: idp.issuer, AUTH_SESSION_STORE: 'memory' };
    app = await startAuthApp(port, { ...env, OIDC_TOKEN_URL: proxy.url });
    honestApp = await startAuthApp(honestPort, { ...env, OIDC_TOKEN_URL: honest.url });
  });

  afterAll(async () => {
    await honestApp?.close();
    await app?.close();
    await honest?.stop();
    await proxy?.stop();
    await idp?.close();
  });

  const metrics = async () => (await fetch(`${app.url}/metrics`)).text();

  it('an ID token re-signed with a foreign key (same claims, same kid) is refused: no session, error page, counted as a failed login', async () => {
    proxy.tamper = (claims) => ({ ...claims, sub: 'someone-else', name: 'Mallory' });
    const before = await metrics();
    const browser = new HttpBrowser();
    const callback = await loginUntilCallback(browser, app.url, '/profile');
    const res = await browser.request(callback);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/did not complete/);
    expect(browser.cookies(app.url).get(COOKIE)).toBeUndefined();
    expect((await browser.request(`${app.url}/auth/me`)).status).toBe(401);
    const after = await metrics();
    const failed = sample(after, 'auth_logins_total', { outcome: 'login_failed', provider: 'dev' }) - sample(before, 'auth_logins_total', { outcome: 'login_failed', provider: 'dev' });
    expect(failed).toBe(1);
    expect(sample(after, 'auth_logins_total', { outcome: 'ok', provider: 'dev' })).toBe(0);
  });

  it('the same proxy re-signing with the IdP’s real key still logs in (the refusal above is the signature’s)', async () => {
    honest.tamper = (claims) => claims;
    const browser = new HttpBrowser();
    const done = await login(browser, honestApp.url, '/profile');
    expect(done.url).toBe(`${honestApp.url}/profile`);
    expect((await browser.request(done.url)).status).toBe(200);
  });
});
