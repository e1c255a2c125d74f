import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DEMO_USER, DEV_IDP_DEFAULT_AUDIENCE } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { anyReturnTo } from '../auth/support/attacker-inputs.js';
import { startForwardAuthStack, type ForwardAuthStack } from '../support/forward-auth-stack.js';
import { CHROMIUM_ARGS, describeWithChromium } from './support/chromium.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'browser-forward-auth');

/**
 * Real Chromium through real nginx (deploy/nginx's recipe as shipped) in front of the real API and
 * the details stand-in, logging in at the real dev IdP: app.example.test and details.example.test
 * are name-based virtual hosts of one nginx port (Chromium maps *.example.test to loopback).
 */
describeWithChromium('browser: a service behind nginx forward auth', (chromiumPath) => {
  let stack: ForwardAuthStack;
  let idp: RunningDevIdp;
  let browser: Browser;
  let page: Page;
  let appOrigin = '';
  let serviceOrigin = '';
  let shot = 0;
  const screenshot = (name: string, on: Page = page) => on.screenshot({ path: join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    stack = await startForwardAuthStack();
    ({ idp, appOrigin, serviceOrigin } = stack);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP *.example.test 127.0.0.1'],
    });
    page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const text = async (selector: string, on: Page = page) => (await on.textContent(selector))?.trim();

  it('a page of the service leads to the IdP login and back to that exact page, which got X-Auth-Request-User and a token for its own audience', async () => {
    const target = `${serviceOrigin}/details/7?view=full&lang=en`;
    await page.goto(target);
    await page.waitForURL((u) => u.href.startsWith(`${idp.issuer}/interaction/`));
    await screenshot('idp-login-form');
    await page.fill('#username', DEMO_USER.username);
    await page.fill('#password', DEMO_USER.password);
    await page.click('#sign-in');
    await page.waitForURL(target);
    await screenshot('service-page');
    expect(await text('#forwarded-user')).toBe(DEMO_USER.sub);
    expect(await text('#token-sub')).toBe(DEMO_USER.sub);
    expect(await text('#token-aud')).toBe('details-api');
    expect(await text('#token-aud')).not.toBe(DEV_IDP_DEFAULT_AUDIENCE);
    // The session cookie is not readable by the service's scripts either.
    expect(await page.evaluate('document.cookie')).not.toContain('app_session');
  }, 60_000);

  it('?allowed_roles: the recipe’s /admin/ part answers 403 to a user without the role', async () => {
    const response = await page.goto(`${serviceOrigin}/admin/settings`);
    expect(response?.status()).toBe(403);
    await screenshot('admin-forbidden');
  }, 30_000);

  it('/auth/start refuses a foreign rd with 400 and starts no login', async () => {
    const response = await page.goto(`${appOrigin}/auth/start?rd=${encodeURIComponent('https://evil.example/steal')}`);
    expect(response?.status()).toBe(400);
    expect(new URL(page.url()).origin).toBe(appOrigin);
    expect(await page.textContent('body')).toContain('AUTH_REDIRECT_ALLOWED_HOSTS');
    await screenshot('foreign-rd-refused');
  }, 30_000);

  it('property, in the browser: for any rd, /auth/start is a 400 or the login’s final Location is this origin or the allowed service host', async () => {
    const allowed = (location: URL) => location.origin === appOrigin || location.origin === serviceOrigin;
    const rds = fc.oneof(
      anyReturnTo,
      fc.constantFrom(`${serviceOrigin}/details/1?a=1&b=2`, `${appOrigin}/profile`, '/profile', `${serviceOrigin}.evil.example/`, `http://details.example.test:1/`),
      fc.webUrl(),
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(rds, async (rd) => {
        // Signed in at the IdP already: each login completes without a form.
        const callback = page.waitForResponse((r) => r.url().startsWith(`${appOrigin}/auth/callback`), { timeout: 10_000 }).catch(() => undefined);
        const response = await page.goto(`${appOrigin}/auth/start?rd=${encodeURIComponent(rd)}`).catch(() => undefined);
        if (response?.status() === 400) return;
        const answer = await callback;
        expect(answer?.status()).toBe(302);
        accepted++;
        expect(allowed(new URL(answer!.headers().location!, answer!.url()))).toBe(true);
      }),
      { numRuns: 25 },
    );
    expect(accepted).toBeGreaterThan(0);
  }, 120_000);
});
