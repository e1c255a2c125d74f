import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DEMO_USER } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { freePort, startAuthApp, startTestIdp, type AuthApp } from '../auth/support/oidc-harness.js';
import { describeWithChromium } from './support/chromium.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'browser-login');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

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
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
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

  async function expectText(selector: string, text: string): Promise<void> {
    expect((await page.textContent(selector))?.trim()).toBe(text);
  }
});
