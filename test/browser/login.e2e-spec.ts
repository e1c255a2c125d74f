import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DEMO_USER } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { freePort, startAuthApp, startTestIdp, type AuthApp } from '../auth/support/oidc-harness.js';
import { CHROMIUM_ARGS, describeWithChromium } from './support/chromium.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'browser-login');

/** The whole login loop in headless Chromium (Debian's chromium + playwright-core, no download). */
describeWithChromium('browser: log in with the dev IdP, see a protected page, log out everywhere', (chromiumPath) => {
  let idp: RunningDevIdp;
  let app: AuthApp;
  let browser: Browser;
  let page: Page;
  let shot = 0;
  const screenshot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const port = await freePort();
    idp = await startTestIdp([`http://127.0.0.1:${port}`]);
    app = await startAuthApp(port, { AUTH_PROVIDER: 'dev', OIDC_ISSUER_URL: idp.issuer, AUTH_SESSION_STORE: 'memory' });
    browser = await chromium.launch({ executablePath: chromiumPath, args: [...CHROMIUM_ARGS] });
    page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await idp?.close();
  });

  it('home → Log in → IdP form → home with the name → profile → Log out → the IdP asks for the password again', async () => {
    await page.goto(`${app.url}/`);
    await expectText('#login', 'Log in');
    await screenshot('home-anonymous');

    await page.click('#login');
    await page.waitForURL((u) => u.href.startsWith(`${idp.issuer}/interaction/`));
    await screenshot('idp-login-form');
    await page.fill('#username', DEMO_USER.username);
    await page.fill('#password', DEMO_USER.password);
    await page.click('#sign-in');

    await page.waitForURL(`${app.url}/`);
    await expectText('#user-name', DEMO_USER.name);
    await expectText('#logout', 'Log out');
    await screenshot('home-signed-in');

    await page.click('text=Profile');
    await page.waitForURL(`${app.url}/profile`);
    await expectText('#profile-name', DEMO_USER.name);
    await expectText('#profile-roles', DEMO_USER.roles.join(', '));
    await screenshot('profile');
    // The session cookie is not readable by page scripts.
    expect(await page.evaluate('document.cookie')).not.toContain('app_session');

    await page.click('#logout');
    await page.waitForURL(`${app.url}/`);
    await expectText('#login', 'Log in');
    await screenshot('home-after-logout');

    // The IdP session is gone too: logging in again shows the password form.
    await page.click('#login');
    await page.waitForURL((u) => u.href.startsWith(`${idp.issuer}/interaction/`));
    expect(await page.isVisible('#password')).toBe(true);
    await screenshot('idp-asks-again');
  }, 60_000);

  async function expectText(selector: string, text: string, on: Page = page): Promise<void> {
    expect((await on.textContent(selector))?.trim()).toBe(text);
  }

  describe('attacks from the browser (issue 9)', () => {
    let context: BrowserContext;
    let tab: Page;
    let attacker: Server;
    let attackerOrigin = '';
    /** Pages of another site (127.0.0.2 is another site than 127.0.0.1, not just another origin). */
    const attackPages: Record<string, string> = {};

    beforeAll(async () => {
      attacker = createServer((req, res) => {
        const html = attackPages[req.url ?? ''];
        res.writeHead(html ? 200 : 404, { 'content-type': 'text/html' });
        res.end(html ?? 'not found');
      });
      await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.2', () => resolve()));
      attackerOrigin = `http://127.0.0.2:${(attacker.address() as AddressInfo).port}`;
      attackPages['/navigate'] = `<!doctype html><p>Win a prize!</p><script>window.top.location.href = ${JSON.stringify(`${app.url}/auth/logout`)};</script>`;
      attackPages['/post'] = `<!doctype html><form id="f" method="post" action="${app.url}/auth/logout"></form><script>document.getElementById('f').submit();</script>`;
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => attacker.close(() => resolve()));
    });

    beforeEach(async () => {
      context = await browser.newContext();
      tab = await context.newPage();
      tab.setDefaultTimeout(10_000);
    });

    afterEach(async () => {
      await context.close();
    });

    async function signInAt(url: string): Promise<void> {
      await tab.goto(url);
      await tab.waitForURL((u) => u.href.startsWith(`${idp.issuer}/interaction/`));
      await tab.fill('#username', DEMO_USER.username);
      await tab.fill('#password', DEMO_USER.password);
      await tab.click('#sign-in');
    }

    async function expectSignedIn(): Promise<void> {
      await tab.goto(`${app.url}/`);
      await expectText('#user-name', DEMO_USER.name, tab);
    }

    it.each([['/.//evil.example/x'], ['/a/..//evil.example'], ['/\\evil.example'], ['/\t/evil.example']])(
      'a login with returnTo=%j stays on the site',
      async (returnTo) => {
        await signInAt(`${app.url}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
        await tab.waitForURL((u) => !u.href.startsWith(idp.issuer) && !u.pathname.startsWith('/auth/callback'));
        expect(new URL(tab.url()).origin).toBe(app.url);
        await expectText('#user-name', DEMO_USER.name, tab);
      },
      60_000,
    );

    it('a cross-site page navigating the top window to /auth/logout only shows the confirmation; the user stays signed in', async () => {
      await signInAt(`${app.url}/auth/login`);
      await tab.waitForURL(`${app.url}/`);
      await tab.goto(`${attackerOrigin}/navigate`);
      await tab.waitForURL(`${app.url}/auth/logout`);
      expect(await tab.isVisible('#logout-confirm')).toBe(true);
      await expectSignedIn();
    }, 60_000);

    it('a cross-site page auto-submitting a POST to /auth/logout is refused (403); the user stays signed in', async () => {
      await signInAt(`${app.url}/auth/login`);
      await tab.waitForURL(`${app.url}/`);
      const refused = tab.waitForResponse((r) => r.url() === `${app.url}/auth/logout` && r.request().method() === 'POST');
      await tab.goto(`${attackerOrigin}/post`);
      expect((await refused).status()).toBe(403);
      await expectSignedIn();
    }, 60_000);

    it('the confirmation page’s own button does log out', async () => {
      await signInAt(`${app.url}/auth/login`);
      await tab.waitForURL(`${app.url}/`);
      await tab.goto(`${app.url}/auth/logout`);
      await tab.click('#logout-confirm');
      await tab.waitForURL(`${app.url}/`);
      await expectText('#login', 'Log in', tab);
    }, 60_000);
  });
});
