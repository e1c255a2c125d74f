import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DEMO_USER } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { freePort, startAuthApp, startTestIdp, type AuthApp } from '../auth/support/oidc-harness.js';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { describeWithChromium } from './support/chromium.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-sync'];

/** The home page's two-step panel in headless Chromium: plain forms, no script. */
describeWithChromium('browser: two-step code panel', (chromiumPath) => {
  let idp: RunningDevIdp;
  let app: AuthApp;
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [azurite, numbers] = await Promise.all([startAzurite(), new NumberApiDouble().start()]);
    const port = await freePort();
    idp = await startTestIdp([`http://127.0.0.1:${port}`]);
    app = await startAuthApp(port, {
      AUTH_PROVIDER: 'dev',
      OIDC_ISSUER_URL: idp.issuer,
      AUTH_SESSION_STORE: 'memory',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      QUEUE_CREATE_IF_MISSING: 'true',
      CODE_TABLE_CREATE_IF_MISSING: 'true',
      THIRD_PARTY_API_ENDPOINT: numbers.url,
      SECRET_THIRD_PARTY_API_KEY: numbers.validKey,
    });
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
    page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await idp?.close();
    await numbers?.stop();
    await azurite?.stop();
  });

  it('signed in: get a code, verify it (valid), verify it again (invalid)', async () => {
    await page.goto(`${app.url}/`);
    await page.click('#login');
    await page.waitForURL((u) => u.href.startsWith(`${idp.issuer}/interaction/`));
    await page.fill('#username', DEMO_USER.username);
    await page.fill('#password', DEMO_USER.password);
    await page.click('#sign-in');
    await page.waitForURL(`${app.url}/`);

    await page.click('#two-step-get');
    const code = (await page.textContent('#two-step-code'))!.trim();
    expect(code).toMatch(/^[A-Za-z]{3}-\d+-[A-Za-z]{3}$/);
    await page.fill('#two-step-input', code);
    await page.click('#two-step-verify');
    expect((await page.textContent('#two-step-result'))?.trim()).toBe('valid');
    await page.fill('#two-step-input', code);
    await page.click('#two-step-verify');
    expect((await page.textContent('#two-step-result'))?.trim()).toBe('invalid');
    // No inline script anywhere on the page.
    expect(await page.locator('script').count()).toBe(0);
  }, 60_000);
});
