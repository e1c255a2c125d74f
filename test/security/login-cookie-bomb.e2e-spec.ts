import fc from 'fast-check';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DEMO_USER } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { HttpBrowser, freePort, startAuthApp, startTestIdp, type AuthApp } from '../auth/support/oidc-harness.js';

/** What proxies commonly accept for a whole header line (nginx's large_client_header_buffers: 8 KB). */
const PROXY_HEADER_LIMIT = 8 * 1024;
const LONG_RETURN_TO = `/${'a'.repeat(1023)}`;

/**
 * Finding 5 (issue 17): a page the user visits can start logins (navigations to /auth/login). Each
 * one used to set a new 10-minute login cookie (about 1.7 KB with a 1 KB returnTo) that nothing
 * replaced, so a dozen pushed the Cookie header past Node's 16 KB and every request of that
 * browser got 431 for 10 minutes. A browser now holds at most a few pending logins, whatever the
 * number, order and concurrency of navigations.
 */
describe('login-cookie bomb: pending logins per browser stay few and small', () => {
  let idp: RunningDevIdp;
  let hostApp: AuthApp;
  let plainApp: AuthApp;

  beforeAll(async () => {
    const [hostPort, plainPort] = [await freePort(), await freePort()];
    idp = await startTestIdp([`http://127.0.0.1:${hostPort}`, `http://127.0.0.1:${plainPort}`]);
    const env = { AUTH_PROVIDER: 'dev', OIDC_ISSUER_URL: idp.issuer, AUTH_SESSION_STORE: 'memory' };
    // As an HTTPS deployment runs by default: __Host- cookies, Path=/ (sent with every request).
    hostApp = await startAuthApp(hostPort, { ...env, AUTH_COOKIE_NAME: '__Host-app_session', AUTH_COOKIE_SECURE: 'true' });
    plainApp = await startAuthApp(plainPort, env);
  }, 60_000);

  afterAll(async () => {
    await hostApp?.close();
    await plainApp?.close();
    await idp?.close();
  });

  /** The Cookie header this browser sends to the app (every cookie of the origin: at least what a browser sends to any path). */
  const cookieHeader = (browser: HttpBrowser, app: AuthApp) => [...browser.cookies(app.url)].map(([k, v]) => `${k}=${v}`).join('; ');
  const pendingLogins = (browser: HttpBrowser, app: AuthApp) => [...browser.cookies(app.url).keys()].filter((name) => name.includes('_tx')).length;
  const navigate = (browser: HttpBrowser, app: AuthApp, returnTo: string) => browser.request(`${app.url}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);

  /** Finishes the login a /auth/login answer started: through the IdP (its form the first time) to the app's callback. */
  const complete = async (browser: HttpBrowser, app: AuthApp, started: Response): Promise<boolean> => {
    const isCallback = (u: URL) => u.origin === app.url && u.pathname === '/auth/callback';
    let { res, url } = await browser.follow(new URL(started.headers.get('location')!, app.url).href, isCallback);
    if (!isCallback(new URL(url))) {
      const action = /<form method="post" action="([^"]+)"/.exec(await res.text())?.[1];
      if (!action) return false;
      ({ res, url } = await browser.follow(new URL(action, url).href, isCallback, { form: { username: DEMO_USER.username, password: DEMO_USER.password } }));
    }
    await res.body?.cancel();
    if (!isCallback(new URL(url))) return false;
    const callback = await browser.request(url);
    await callback.body?.cancel();
    return callback.status === 302 && new URL(callback.headers.get('location')!, app.url).origin === app.url;
  };

  it('the review’s attack: 12 navigations to /auth/login with a 1 KB returnTo and 12 more with a short one, then the home page still answers (not 431)', async () => {
    const browser = new HttpBrowser();
    for (let i = 0; i < 12; i++) await (await navigate(browser, hostApp, LONG_RETURN_TO)).body?.cancel();
    for (let i = 0; i < 12; i++) await (await navigate(browser, hostApp, `/${i}`)).body?.cancel();
    const home = await browser.request(`${hostApp.url}/`);
    const headerBytes = Buffer.byteLength(cookieHeader(browser, hostApp));
    expect({ status: home.status, headerBytes }).toEqual({ status: 200, headerBytes: expect.any(Number) });
    expect(headerBytes).toBeLessThan(PROXY_HEADER_LIMIT);
    expect(Buffer.byteLength(cookieHeader(browser, hostApp))).toBeLessThan(PROXY_HEADER_LIMIT);
  });

  it('12 concurrent navigations (a page firing them at once) leave at most 3 pending logins, and the home page answers', async () => {
    const browser = new HttpBrowser();
    await Promise.all(Array.from({ length: 12 }, async () => (await navigate(browser, hostApp, LONG_RETURN_TO)).body?.cancel()));
    expect(pendingLogins(browser, hostApp)).toBeLessThanOrEqual(3);
    expect((await browser.request(`${hostApp.url}/`)).status).toBe(200);
  });

  it('two tabs logging in at once both complete (pending logins are kept apart, not overwritten)', async () => {
    const browser = new HttpBrowser();
    const first = await navigate(browser, plainApp, '/');
    const second = await navigate(browser, plainApp, '/profile');
    expect(await complete(browser, plainApp, first)).toBe(true);
    expect(await complete(browser, plainApp, second)).toBe(true);
  });

  it('invariant: for any sequence of login navigations (batches of concurrent ones, any returnTo), at most 3 pending logins, a Cookie header under 8 KB, and the newest login completes', async () => {
    const returnTo = fc.oneof(fc.constant(LONG_RETURN_TO), fc.string({ unit: 'grapheme', maxLength: 1200 }).map((s) => `/${s}`), fc.constant('/'));
    const batches = fc.array(fc.array(returnTo, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(fc.boolean(), batches, async (host, plan) => {
        const app = host ? hostApp : plainApp;
        const browser = new HttpBrowser();
        let last: Response[] = [];
        for (const batch of plan) {
          last = await Promise.all(batch.map((r) => navigate(browser, app, r)));
          expect(pendingLogins(browser, app)).toBeLessThanOrEqual(3);
          expect(Buffer.byteLength(cookieHeader(browser, app))).toBeLessThan(PROXY_HEADER_LIMIT);
        }
        expect((await browser.request(`${app.url}/`)).status).toBe(200);
        // Of a batch of concurrent navigations, one may replace another's pending login; the last sequential one always survives.
        const finished = [];
        for (const started of last.slice(-1)) finished.push(await complete(browser, app, started));
        if (plan.at(-1)!.length === 1) expect(finished).toEqual([true]);
      }),
      { numRuns: 25 },
    );
  }, 240_000);
});
