import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { freePort, HttpBrowser, login, startAuthApp, startTestIdp, type AuthApp } from '../auth/support/oidc-harness.js';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';

const codeOf = (html: string) => /<output id="two-step-code">([^<]+)<\/output>/.exec(html)?.[1];
const resultOf = (html: string) => /<p id="two-step-result" class="([\w-]+)"/.exec(html)?.[1];
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };

/**
 * The home page's two-step panel over HTTP, as the browser's forms post it: its codes follow the
 * API's rules (bound to the signed-in caller), and another site cannot post its forms for the user.
 */
describe('two-step panel: binding and cross-site posts', () => {
  let idp: RunningDevIdp;
  let app: AuthApp;
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;

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
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await idp?.close();
    await numbers?.stop();
    await azurite?.stop();
  });

  it('a code the panel issues to a signed-in user is bound to them: an anonymous verify says false, theirs says valid', async () => {
    const browser = new HttpBrowser();
    await login(browser, app.url);
    const issued = await browser.request(`${app.url}/two-step-code`, { method: 'POST', form: {}, headers: SAME_ORIGIN });
    expect(issued.status).toBe(200);
    const code = codeOf(await issued.text());
    expect(code).toMatch(/^[A-Za-z]{3}-\d+-[A-Za-z]{3}$/);

    const anonymous = await fetch(`${app.url}/api/v1/verifycode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    expect(await anonymous.json()).toEqual({ valid: false });

    const mine = await browser.request(`${app.url}/two-step-verify`, { method: 'POST', form: { code: code! }, headers: SAME_ORIGIN });
    expect(resultOf(await mine.text())).toBe('valid');
  });

  it.each([
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site same-site', { 'sec-fetch-site': 'same-site' }],
    ['a foreign Origin, no Sec-Fetch-Site', { origin: 'http://evil.example' }],
    ['neither Origin nor Sec-Fetch-Site', {}],
  ])('a form post from another site (%s) issues nothing and spends no attempt: 403', async (_label, headers) => {
    const browser = new HttpBrowser();
    await login(browser, app.url);
    const issued = await browser.request(`${app.url}/two-step-code`, { method: 'POST', form: {}, headers: SAME_ORIGIN });
    const code = codeOf(await issued.text())!;

    const forgedIssue = await browser.request(`${app.url}/two-step-code`, { method: 'POST', form: {}, headers });
    expect(forgedIssue.status).toBe(403);
    expect(codeOf(await forgedIssue.text())).toBeUndefined();
    const forgedGuess = await browser.request(`${app.url}/two-step-verify`, { method: 'POST', form: { code: 'abC-1-xYz' }, headers });
    expect(forgedGuess.status).toBe(403);

    // The forged "Get a code" did not replace the user's code (CODE_MAX_OUTSTANDING=1 revokes on resend).
    const mine = await browser.request(`${app.url}/two-step-verify`, { method: 'POST', form: { code }, headers: SAME_ORIGIN });
    expect(resultOf(await mine.text())).toBe('valid');
  });
});
