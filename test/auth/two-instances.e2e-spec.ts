import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { CLIENT_ID, HttpBrowser, freePort, login, startAuthApp, startTestIdp, type AuthApp } from './support/oidc-harness.js';

const COOKIE = 'app_session';

/**
 * Two app instances behind one public URL (as behind a load balancer without sticky sessions),
 * sharing sessions through Azure Table Storage (real Azurite).
 */
describe('two app instances share sessions; back-channel logout reaches both', () => {
  let azurite: AzuriteHandle;
  let idp: RunningDevIdp;
  let a: AuthApp;
  let b: AuthApp;
  let cached: AuthApp;

  beforeAll(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const publicBase = `http://127.0.0.1:${portA}`;
    azurite = await startAzurite();
    idp = await startTestIdp([publicBase]);
    const env = {
      AUTH_PROVIDER: 'dev',
      OIDC_ISSUER_URL: idp.issuer,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AUTH_SESSION_TABLE: 'sharedsessions',
      PUBLIC_BASE_URL: publicBase,
    };
    a = await startAuthApp(portA, env);
    b = await startAuthApp(portB, env);
    cached = await startAuthApp(await freePort(), { ...env, AUTH_SESSION_CACHE_MS: '400' });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await cached?.close();
    await idp?.close();
    await azurite?.stop();
  });

  const meOn = (app: AuthApp, cookie: string) => fetch(`${app.url}/auth/me`, { headers: { cookie: `${COOKIE}=${cookie}` } });

  it('a session made on one instance is accepted by the other', async () => {
    const browser = new HttpBrowser();
    await login(browser, a.url);
    const cookie = browser.cookies(a.url).get(COOKIE)!;
    expect((await meOn(a, cookie)).status).toBe(200);
    const onB = await meOn(b, cookie);
    expect(onB.status).toBe(200);
    expect(await onB.json()).toMatchObject({ name: 'Dana Demo', via: 'session' });
  });

  it('logging out at the IdP sends a back-channel logout that ends the session on both instances', async () => {
    const browser = new HttpBrowser();
    await login(browser, a.url);
    const cookie = browser.cookies(a.url).get(COOKIE)!;
    expect((await meOn(b, cookie)).status).toBe(200);

    // The user signs out at the IdP directly (another app, the IdP's account page…): the app is
    // told only through the back-channel.
    const page = await browser.follow(`${idp.issuer}/session/end?client_id=${CLIENT_ID}`);
    const html = await page.res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    await browser.follow(new URL(action, page.url).href, undefined, { form: { xsrf, logout: 'yes' } });

    expect((await meOn(a, cookie)).status).toBe(401);
    expect((await meOn(b, cookie)).status).toBe(401);
  });

  it('an instance with AUTH_SESSION_CACHE_MS sees a back-channel logout within that time', async () => {
    const browser = new HttpBrowser();
    await login(browser, a.url);
    const cookie = browser.cookies(a.url).get(COOKIE)!;
    expect((await meOn(cached, cookie)).status).toBe(200); // now cached for 400 ms
    const page = await browser.follow(`${idp.issuer}/session/end?client_id=${CLIENT_ID}`);
    const html = await page.res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    await browser.follow(new URL(action, page.url).href, undefined, { form: { xsrf, logout: 'yes' } });
    expect((await meOn(a, cookie)).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await meOn(cached, cookie)).status).toBe(401);
  });
});
