import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { spawnEntry, type SpawnedProcess } from '../support/processes.js';
import { startDevIdp, type RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { CLIENT_ID, CLIENT_SECRET, HttpBrowser, apiProcessEnv, freePort, login } from './support/oidc-harness.js';

const COOKIE = 'app_session';

/**
 * OIDC Front-Channel Logout 1.0 across two REAL API processes sharing sessions (Table store on a
 * real Azurite): a sign-out at the dev IdP (which, like Entra, reaches this app only through the
 * browser: no back-channel here) renders the IdP's logout page with an iframe per client; that
 * iframe's request, handled by ONE instance, ends every session of the IdP session on BOTH.
 */
describe('front-channel logout across two API processes', () => {
  let azurite: AzuriteHandle;
  let idp: RunningDevIdp;
  const spawned: SpawnedProcess[] = [];
  let a = '';
  let b = '';

  beforeAll(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    [a, b] = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`];
    azurite = await startAzurite();
    idp = await startDevIdp({
      clients: [
        {
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          redirectUris: [`${a}/auth/callback`, `${b}/auth/callback`],
          postLogoutRedirectUris: [`${a}/`],
          // The public URL the IdP frames (the load balancer would send it to either instance).
          frontchannelLogoutUri: `${a}/auth/frontchannel-logout`,
        },
      ],
    });
    const start = async (port: number) => {
      const child = spawnEntry('apps/api/main.js', apiProcessEnv(port, idp.issuer, azurite.connectionString, a, { AUTH_SESSION_TABLE: 'fclsessions' }));
      spawned.push(child);
      await child.waitFor(/API listening/);
    };
    await Promise.all([start(portA), start(portB)]);
  }, 60_000);

  afterAll(async () => {
    for (const child of spawned) {
      child.kill('SIGTERM');
      await child.exited();
    }
    await idp?.close();
    await azurite?.stop();
  });

  const me = (base: string, cookie: string) => fetch(`${base}/auth/me`, { headers: { cookie: `${COOKIE}=${cookie}` } });

  it('the IdP’s logout page frames this app with iss and sid; that request on instance B ends both of the IdP session’s app sessions on A and on B, not another user’s', async () => {
    const browser = new HttpBrowser();
    await login(browser, a);
    const first = browser.cookies(a).get(COOKIE)!;
    // A second browser profile holding the same IdP session (its cookies): no password asked, the same sid.
    const sameIdpSession = new HttpBrowser();
    sameIdpSession.jars.set(new URL(idp.issuer).origin, new Map(browser.cookies(new URL(idp.issuer).origin)));
    await login(sameIdpSession, a);
    const second = sameIdpSession.cookies(a).get(COOKIE)!;
    expect(second).not.toBe(first);
    const other = new HttpBrowser();
    await login(other, a);
    const otherSession = other.cookies(a).get(COOKIE)!;
    for (const base of [a, b]) for (const cookie of [first, second, otherSession]) expect((await me(base, cookie)).status).toBe(200);

    // Signing out at the IdP (as from another app): its page frames the front-channel logout URL.
    const logoutPage = await (await browser.request(`${idp.issuer}/session/end`)).text();
    const src = /<iframe class="frontchannel-logout" src="([^"]+)"/.exec(logoutPage)?.[1]?.replace(/&amp;/g, '&');
    expect(src).toBeDefined();
    const framed = new URL(src!);
    expect(framed.origin + framed.pathname).toBe(`${a}/auth/frontchannel-logout`);
    expect(framed.searchParams.get('iss')).toBe(idp.issuer);
    expect(framed.searchParams.get('sid')).toBeTruthy();

    // The load balancer sends the iframe's request to instance B.
    const answer = await fetch(`${b}${framed.pathname}${framed.search}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-security-policy')).toBe(`default-src 'none'; frame-ancestors ${idp.issuer}`);
    expect(answer.headers.get('x-frame-options')).toBeNull();
    expect(answer.headers.get('cache-control')).toBe('no-store');

    for (const base of [a, b]) for (const cookie of [first, second]) expect((await me(base, cookie)).status).toBe(401);
    for (const base of [a, b]) expect((await me(base, otherSession)).status).toBe(200);
  }, 60_000);

  it('refuses a request without sid or naming another issuer (400), ending nothing', async () => {
    const browser = new HttpBrowser();
    await login(browser, a);
    const cookie = browser.cookies(a).get(COOKIE)!;
    expect((await fetch(`${b}/auth/frontchannel-logout?iss=${encodeURIComponent(idp.issuer)}`)).status).toBe(400);
    expect((await fetch(`${b}/auth/frontchannel-logout?iss=${encodeURIComponent('https://evil.example')}&sid=x`)).status).toBe(400);
    expect((await me(a, cookie)).status).toBe(200);
  });
});
