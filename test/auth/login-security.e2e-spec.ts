import fc from 'fast-check';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DEMO_USER } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { anyReturnTo as attackerReturnTo } from './support/attacker-inputs.js';
import { HttpBrowser, freePort, login, loginUntilCallback, logoutContinuation, startAuthApp, startTestIdp, type AuthApp } from './support/oidc-harness.js';

const COOKIE = 'app_session';

/** The adversarial review's findings on the login layer (issue 9: 1 and 8), each through a real login. */
describe('login security: open redirect, login cookie size, logout CSRF, cookie prefix, error page', () => {
  let idp: RunningDevIdp;
  let app: AuthApp;
  let hostApp: AuthApp;

  beforeAll(async () => {
    const [port, hostPort] = [await freePort(), await freePort()];
    idp = await startTestIdp([`http://127.0.0.1:${port}`, `http://127.0.0.1:${hostPort}`]);
    const env = { AUTH_PROVIDER: 'dev', OIDC_ISSUER_URL: idp.issuer, AUTH_SESSION_STORE: 'memory' };
    app = await startAuthApp(port, env);
    // The prefix as an HTTPS deployment gets it by default (Secure is set explicitly: the test is plain HTTP).
    hostApp = await startAuthApp(hostPort, { ...env, AUTH_COOKIE_NAME: '__Host-app_session', AUTH_COOKIE_SECURE: 'true' });
  });

  afterAll(async () => {
    await hostApp?.close();
    await app?.close();
    await idp?.close();
  });

  /** The Location the callback answers, resolved as the browser resolves it. */
  async function landing(browser: HttpBrowser, returnTo: string): Promise<{ location: string; resolved: URL }> {
    const callback = await loginUntilCallback(browser, app.url, returnTo);
    const res = await browser.request(callback);
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    return { location, resolved: new URL(location, callback) };
  }

  describe('open redirect after login (finding 1)', () => {
    it.each([['/.//evil.example/x'], ['/a/..//evil.example']])('returnTo=%s: a real login ends on the app, not on evil.example', async (returnTo) => {
      const { location, resolved } = await landing(new HttpBrowser(), returnTo);
      expect(resolved.origin).toBe(app.url);
      expect(location).toBe('/');
    });

    it('a same-origin returnTo with dot segments lands on its normalised path', async () => {
      const { location } = await landing(new HttpBrowser(), '/a/../profile?tab=1');
      expect(location).toBe('/profile?tab=1');
    });

    it('invariant: for any returnTo, the Location the callback sends resolves to the app’s own origin (real logins)', async () => {
      const browser = new HttpBrowser(); // the IdP session makes the later logins silent
      await fc.assert(
        fc.asyncProperty(attackerReturnTo, async (returnTo) => {
          const { resolved } = await landing(browser, returnTo);
          expect(resolved.origin).toBe(app.url);
        }),
        { numRuns: 40 },
      );
    }, 120_000);
  });

  describe('the login cookie stays small (finding 1)', () => {
    const loginSetCookie = async (returnTo: string) => {
      const res = await fetch(`${app.url}/auth/login?returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      return res.headers.getSetCookie();
    };

    it('a 2,000-character unicode returnTo does not make a Set-Cookie browsers drop', async () => {
      const cookies = await loginSetCookie(`/${'𝟘'.repeat(1000)}`);
      expect(cookies).toHaveLength(1);
      expect(Buffer.byteLength(cookies[0]!)).toBeLessThan(4096);
    });

    it('invariant: Set-Cookie of /auth/login stays under 4096 bytes for any returnTo', async () => {
      const long = fc.string({ unit: 'grapheme', minLength: 500, maxLength: 2048 }).map((s) => `/${s}`);
      await fc.assert(
        fc.asyncProperty(fc.oneof(attackerReturnTo, long), async (returnTo) => {
          for (const cookie of await loginSetCookie(returnTo)) expect(Buffer.byteLength(cookie)).toBeLessThan(4096);
        }),
        { numRuns: 150 },
      );
    });
  });

  describe('logout is a same-origin POST (finding 8, logout CSRF)', () => {
    const signedIn = async () => {
      const browser = new HttpBrowser();
      await login(browser, app.url);
      expect((await browser.request(`${app.url}/auth/me`)).status).toBe(200);
      return browser;
    };

    it('GET /auth/logout only shows a confirmation form (no script); the session stays', async () => {
      const browser = await signedIn();
      const res = await browser.request(`${app.url}/auth/logout`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toMatch(/<form method="post" action="\/auth\/logout"><button id="logout-confirm"/);
      expect(html).not.toMatch(/<script/i);
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(res.headers.getSetCookie()).toEqual([]);
      expect((await browser.request(`${app.url}/auth/me`)).status).toBe(200);
    });

    it.each([
      ['another site’s Origin', { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }],
      ['a same-site sibling', { origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' }],
      ['Origin: null (sandboxed frame, data: URL)', { origin: 'null' }],
      ['neither Origin nor Sec-Fetch-Site', {}],
    ])('POST with %s → 403, the session and its cookie stay', async (_name, headers: Record<string, string>) => {
      const browser = await signedIn();
      const res = await browser.request(`${app.url}/auth/logout`, { method: 'POST', headers });
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie()).toEqual([]);
      expect((await browser.request(`${app.url}/auth/me`)).status).toBe(200);
    });

    it('POST from the app’s own page (same Origin) ends the session and moves on to the IdP’s end-session endpoint (a page, not a redirect: CSP form-action)', async () => {
      const browser = await signedIn();
      const res = await browser.request(`${app.url}/auth/logout`, { method: 'POST', headers: { origin: app.url, 'sec-fetch-site': 'same-origin' } });
      expect(res.status).toBe(200);
      expect((await logoutContinuation(res)).href.startsWith(`${idp.issuer}/session/end`)).toBe(true);
      expect((await browser.request(`${app.url}/auth/me`)).status).toBe(401);
    });

    it('the home page offers logout as a POST form, not a link', async () => {
      const browser = await signedIn();
      const html = await (await browser.request(`${app.url}/`)).text();
      expect(html).toMatch(/<form method="post" action="\.\/auth\/logout"><button id="logout"/);
      expect(html).not.toMatch(/href="[^"]*auth\/logout"/);
    });
  });

  describe('__Host- cookie prefix (finding 8)', () => {
    it('a real login works with __Host-app_session: every cookie set has Secure, Path=/ and no Domain', async () => {
      const browser = new HttpBrowser(); // drops prefixed cookies that break the prefix rules, as browsers do
      const start = await browser.request(`${hostApp.url}/auth/login?returnTo=%2Fprofile`);
      const tx = start.headers.getSetCookie();
      expect(tx).toHaveLength(1);
      expect(tx[0]).toMatch(/^__Host-app_session_tx[0-2]=/);
      for (const c of tx) {
        expect(c).toMatch(/; Path=\/(;|$)/);
        expect(c).toMatch(/; Secure/);
        expect(c).not.toMatch(/Domain=/i);
      }
      const done = await login(browser, hostApp.url, '/profile');
      expect(done.url).toBe(`${hostApp.url}/profile`);
      expect(browser.cookies(hostApp.url).has('__Host-app_session')).toBe(true);
      const profile = await browser.request(`${hostApp.url}/profile`);
      expect(profile.status).toBe(200);
      expect(await profile.text()).toContain(DEMO_USER.name);
    });
  });

  describe('the callback error page (finding 8)', () => {
    const attackerText = 'Your account is locked. Call +1-555-0100 at evil.example';

    it('does not show error_description without a state matching this browser’s login attempt', async () => {
      const browser = new HttpBrowser();
      const query = new URLSearchParams({ error: 'server_error', error_description: attackerText, state: 'forged-state' });
      const res = await browser.request(`${app.url}/auth/callback?${query}`);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain('unknown or expired');
      expect(html).not.toContain('evil.example');
      expect(html).not.toContain('server_error');
      const noState = await (await browser.request(`${app.url}/auth/callback?error=x&error_description=${encodeURIComponent(attackerText)}`)).text();
      expect(noState).not.toContain('evil.example');
    });

    it('shows the IdP’s (escaped) description for this browser’s own login attempt', async () => {
      const browser = new HttpBrowser();
      const start = await browser.request(`${app.url}/auth/login`);
      const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
      const query = new URLSearchParams({ error: 'temporarily_unavailable', error_description: 'try <b>later</b>', state });
      const html = await (await browser.request(`${app.url}/auth/callback?${query}`)).text();
      expect(html).toContain('temporarily_unavailable');
      expect(html).toContain('try &lt;b&gt;later&lt;/b&gt;');
    });
  });

  it('the session cookie keeps its plain name over plain-http local development', async () => {
    const browser = new HttpBrowser();
    await login(browser, app.url);
    expect(browser.cookies(app.url).has(COOKIE)).toBe(true);
  });
});
