import { odata } from '@azure/data-tables';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DEMO_USER, type DevIdpUser } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { freePort, startAuthApp, startTestIdp, type AuthApp } from '../auth/support/oidc-harness.js';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { startSmtpServer, type SmtpTestServer } from '../support/smtp.js';
import { storageEnv, tableClient } from '../lifecycle/lifecycle-support.js';
import { BOB, RecordingBrowser, STEP_UP_USERS, UNVERIFIED, codeIn, enterCode, sendCode, signInTo, textOf } from './support/step-up.js';

const user = (n: number, name: string): DevIdpUser => ({ ...BOB, sub: `step-up-user-${n}`, username: name, password: `${name}-password`, name, email: `${name}@example.test` });
/** Each test its own user: send limits and attempt budgets are per user, and must not leak between tests. */
const USERS = {
  erin: user(5, 'erin'),
  finn: user(6, 'finn'),
  gina: user(7, 'gina'),
  hugo: user(8, 'hugo'),
  ivan: user(9, 'ivan'),
  jade: user(10, 'jade'),
  kurt: user(11, 'kurt'),
  lola: user(12, 'lola'),
  mona: user(13, 'mona'),
  nick: user(14, 'nick'),
  olga: user(15, 'olga'),
  pete: user(16, 'pete'),
  quin: user(17, 'quin'),
  rosa: user(18, 'rosa'),
};

/**
 * Step-up on one API (in process) against the real parts: the dev IdP (oidc-provider), Azurite (the
 * code table and queue), the number API double and a real SMTP server (nodemailer's smtp-server,
 * mails read back with mailparser).
 */
describe('step-up: /auth/second-factor with codes sent by SMTP', () => {
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  let smtp: SmtpTestServer;
  let idp: RunningDevIdp;
  let app: AuthApp;
  /** The same, but with no resend cooldown (to reach the window's limit) and a short delivery deadline. */
  let fast: AuthApp;
  /** Its queue (or its table) on a closed port: getcode answers 503 there, and so does a send. */
  let queueDown: AuthApp;
  let tableDown: AuthApp;
  /**
   * A subject budget far above the per-code checks (VERIFY_MAX_ATTEMPTS=20), so what a test sees
   * after 5 wrong codes is the per-code limit (VERIFY_CODE_MAX_CHECKS=5) alone; and a service host
   * forward auth may send back to after the step-up.
   */
  let checks: AuthApp;

  const env = (extra: Record<string, string> = {}) => ({
    ...storageEnv(azurite),
    THIRD_PARTY_API_ENDPOINT: numbers.url,
    SECRET_THIRD_PARTY_API_KEY: numbers.validKey,
    AUTH_PROVIDER: 'dev',
    OIDC_ISSUER_URL: idp.issuer,
    AUTH_SESSION_STORE: 'memory',
    CODE_DELIVERY: 'smtp',
    SMTP_HOST: smtp.host,
    SMTP_PORT: String(smtp.port),
    MAIL_FROM: '"Integrated auth" <no-reply@example.test>',
    DELIVERY_APP_NAME: 'Integrated auth test',
    VERIFY_THROTTLE_LIMIT: '100000',
    ...extra,
  });

  beforeAll(async () => {
    [azurite, numbers, smtp] = await Promise.all([startAzurite(), new NumberApiDouble().start(), startSmtpServer()]);
    const ports = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    idp = await startTestIdp(ports.map((p) => `http://127.0.0.1:${p}`), { users: [...STEP_UP_USERS, ...Object.values(USERS)] });
    app = await startAuthApp(ports[0]!, env());
    fast = await startAuthApp(ports[1]!, env({ STEP_UP_RESEND_COOLDOWN_SECONDS: '0', DELIVERY_TIMEOUT_MS: '500' }));
    const closed = 'http://127.0.0.1:9/devstoreaccount1';
    queueDown = await startAuthApp(ports[2]!, env({ AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString.replace(/QueueEndpoint=[^;]+/, `QueueEndpoint=${closed}`), QUEUE_MAX_TRIES: '1' }));
    tableDown = await startAuthApp(ports[3]!, env({ AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString.replace(/TableEndpoint=[^;]+/, `TableEndpoint=${closed}`), QUEUE_MAX_TRIES: '1' }));
    checks = await startAuthApp(ports[4]!, env({ STEP_UP_RESEND_COOLDOWN_SECONDS: '0', VERIFY_MAX_ATTEMPTS: '20', AUTH_REDIRECT_ALLOWED_HOSTS: 'details.example.test' }));
  }, 60_000);

  afterEach(() => smtp.clearFaults());

  afterAll(async () => {
    await checks?.close();
    await tableDown?.close();
    await queueDown?.close();
    await fast?.close();
    await app?.close();
    await idp?.close();
    await smtp?.stop();
    await numbers?.stop();
    await azurite?.stop();
  });

  const mailTo = (address: string, after = 0) => smtp.waitForMessage((m) => m.to.includes(address) && smtp.messages.indexOf(m) >= after);
  /** Signs `who` in through /account, sends a code and reads it from the mail. */
  const sentCode = async (on: AuthApp, who: DevIdpUser, browser = new RecordingBrowser()) => {
    const landed = await signInTo(browser, on.url, '/account', who);
    expect(new URL(landed.url).pathname).toBe('/auth/second-factor');
    const before = smtp.messages.length;
    const sent = await sendCode(browser, on.url);
    expect(sent.status).toBe(200);
    return { browser, code: codeIn((await mailTo(who.email, before)).text) };
  };

  it('anonymous /account: log in, land on /auth/second-factor (one trip), send, read the mail, type the code, see /account', async () => {
    const browser = new RecordingBrowser();
    const landed = await signInTo(browser, app.url, '/account');
    expect(landed.url).toBe(`${app.url}/auth/second-factor?returnTo=%2Faccount`);
    expect(textOf(landed.html, 'step-up-destination')).toBe('d\u2022\u2022\u2022@example.test');

    const sent = await sendCode(browser, app.url);
    expect(sent.status).toBe(200);
    expect(textOf(sent.html, 'step-up-sent')).toMatch(/^Code sent\. It expires at \d\d:\d\d UTC/);
    const mail = await mailTo(DEMO_USER.email);
    const code = codeIn(mail.text);
    expect(code).toMatch(/^\d{8}$/);

    const before = browser.cookies(app.url).get('app_session');
    const entered = await enterCode(browser, app.url, `${code.slice(0, 4)} ${code.slice(4)}`);
    expect([entered.status, entered.location]).toEqual([303, '/account']);
    // A new session id: the cookie from before the step-up is worth nothing now.
    expect(browser.cookies(app.url).get('app_session')).not.toBe(before);
    const stale = await fetch(`${app.url}/auth/me`, { headers: { cookie: `app_session=${before}` } });
    expect(stale.status).toBe(401);

    const account = await browser.request(`${app.url}/account`);
    const html = await account.text();
    expect(account.status).toBe(200);
    expect(textOf(html, 'account-name')).toBe(DEMO_USER.name);
    expect(textOf(html, 'account-destination')).toBe('d\u2022\u2022\u2022@example.test');
    expect(textOf(html, 'account-second-factor')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, by a code sent to you$/);
    // The code was in no answer the browser received.
    for (const body of browser.bodies) expect(body).not.toContain(code);
    for (const body of browser.bodies) expect(body).not.toContain(`${code.slice(0, 4)} ${code.slice(4)}`);
  }, 30_000);

  it('the mail: plain text and HTML with the app’s name, the code, when it expires and “if you did not ask, ignore it”, from MAIL_FROM to the verified address', async () => {
    const { code } = await sentCode(app, USERS.erin);
    const mail = smtp.messages.findLast((m) => m.to.includes(USERS.erin.email))!;
    expect(mail.envelope).toEqual({ from: 'no-reply@example.test', to: [USERS.erin.email] });
    expect(mail.from.text).toBe('"Integrated auth" <no-reply@example.test>');
    expect(mail.subject).toBe('Your Integrated auth test sign-in code');
    const spaced = `${code.slice(0, 4)} ${code.slice(4)}`;
    for (const part of [mail.text, mail.html!]) {
      expect(part).toContain('Integrated auth test');
      expect(part).toContain(spaced);
      expect(part).toMatch(/It expires at \d\d:\d\d UTC, in 10 minutes\./);
      expect(part).toContain('If you did not ask for this code, ignore this message');
    }
    expect(mail.raw).toMatch(/^Content-Type: multipart\/alternative/m);
    expect(mail.subject).not.toContain(code);
  }, 30_000);

  it('a wrong code is refused and says so; the right one still works after it', async () => {
    const { browser, code } = await sentCode(app, USERS.finn);
    const wrong = code === '00000000' ? '00000001' : '00000000';
    const refused = await enterCode(browser, app.url, wrong);
    expect(refused.status).toBe(400);
    expect(textOf(refused.html, 'step-up-error')).toBe('That code is not right, or it has expired. Check the code and try again, or send a new one.');
    expect((await browser.request(`${app.url}/account`)).status).toBe(302);
    expect((await enterCode(browser, app.url, code)).status).toBe(303);
    expect((await browser.request(`${app.url}/account`)).status).toBe(200);
  }, 30_000);

  it('a code from GET /api/v1/getcode (even bound to the same user) is refused by step-up, and a step-up code is refused by POST /api/v1/verifycode', async () => {
    const { browser, code } = await sentCode(app, USERS.gina);
    const getcode = (await (await browser.request(`${app.url}/api/v1/getcode`)).json()) as { code: string };
    expect(getcode.code).toMatch(/^[A-Za-z]{3}-\d+-[A-Za-z]{3}$/);
    expect((await enterCode(browser, app.url, getcode.code)).status).toBe(400);
    const verifycode = await fetch(`${app.url}/api/v1/verifycode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `app_session=${browser.cookies(app.url).get('app_session')}` },
      body: JSON.stringify({ code }),
    });
    expect(await verifycode.json()).toEqual({ valid: false });
    // Neither was consumed by the other route: each still works where it belongs.
    expect((await enterCode(browser, app.url, code)).status).toBe(303);
    const own = await fetch(`${app.url}/api/v1/verifycode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `app_session=${browser.cookies(app.url).get('app_session')}` },
      body: JSON.stringify({ code: getcode.code }),
    });
    expect(await own.json()).toEqual({ valid: true });
  }, 30_000);

  it('resend cooldown: a second send within 30 s answers 429 with a page and Retry-After saying when', async () => {
    const { browser } = await sentCode(app, USERS.hugo);
    const again = await sendCode(browser, app.url);
    expect(again.status).toBe(429);
    expect(Number(again.retryAfter)).toBeGreaterThan(0);
    expect(Number(again.retryAfter)).toBeLessThanOrEqual(30);
    expect(textOf(again.html, 'step-up-error')).toBe(`A code was sent moments ago. Check your messages, or send a new code in ${again.retryAfter} s.`);
  }, 30_000);

  it('a new code replaces the old one; at most 5 sends per destination per 10 minutes, then 429 with when to try again', async () => {
    const { browser, code: first } = await sentCode(fast, USERS.ivan);
    const codes = [first];
    for (let i = 2; i <= 5; i++) {
      const before = smtp.messages.length;
      expect((await sendCode(browser, fast.url)).status).toBe(200);
      codes.push(codeIn((await mailTo(USERS.ivan.email, before)).text));
    }
    const sixth = await sendCode(browser, fast.url);
    expect(sixth.status).toBe(429);
    expect(Number(sixth.retryAfter)).toBeGreaterThan(590);
    expect(textOf(sixth.html, 'step-up-error')).toBe(`Too many codes were sent to this destination. Send a new code in ${sixth.retryAfter} s.`);
    // Only the newest code works.
    expect((await enterCode(browser, fast.url, codes[3]!)).status).toBe(400);
    expect((await enterCode(browser, fast.url, codes[4]!)).status).toBe(303);
  }, 60_000);

  it('no limit lets one user lock out another: another user’s spent sends and wrong codes change nothing for this one', async () => {
    const jade = await sentCode(fast, USERS.jade);
    for (let i = 0; i < 6; i++) await sendCode(jade.browser, fast.url);
    expect((await sendCode(jade.browser, fast.url)).status).toBe(429);
    for (let i = 0; i < 6; i++) await enterCode(jade.browser, fast.url, '11111111');
    expect((await enterCode(jade.browser, fast.url, '11111111')).status).toBe(429);
    // Kurt, at the same time, from the same address: sends, and his code works.
    const kurt = await sentCode(fast, USERS.kurt);
    expect((await enterCode(kurt.browser, fast.url, kurt.code)).status).toBe(303);
  }, 60_000);

  it('at most 5 checks per step-up code: the 5th wrong code locks that code (the right one no longer works), the page says to send a new one, and a new code works', async () => {
    const { browser, code } = await sentCode(checks, USERS.olga);
    const wrong = code === '00000000' ? '00000001' : '00000000';
    for (let i = 1; i <= 4; i++) expect((await enterCode(browser, checks.url, wrong)).status).toBe(400);
    const fifth = await enterCode(browser, checks.url, wrong);
    expect([fifth.status, textOf(fifth.html, 'step-up-error')]).toEqual([429, 'That code was entered wrong 5 times and no longer works. Send a new code and enter that one.']);
    const right = await enterCode(browser, checks.url, code);
    expect([right.status, textOf(right.html, 'step-up-error')]).toEqual([429, 'That code was entered wrong 5 times and no longer works. Send a new code and enter that one.']);
    expect((await stepUpRows(USERS.olga.sub)).map((r) => r.state)).toEqual(['revoked']);
    // Only this code is locked, not the user: a new code has its own 5 checks.
    const before = smtp.messages.length;
    expect((await sendCode(browser, checks.url)).status).toBe(200);
    const fresh = codeIn((await mailTo(USERS.olga.email, before)).text);
    expect((await enterCode(browser, checks.url, fresh)).status).toBe(303);
  }, 60_000);

  it('another user’s guesses, even of this user’s own code, spend none of this user’s budgets (the subject’s or the code’s checks)', async () => {
    const victim = await sentCode(checks, USERS.pete);
    const attacker = await sentCode(checks, USERS.quin);
    // Every check the attacker has (VERIFY_MAX_ATTEMPTS=20 here), half of them the victim's real code.
    for (let i = 0; i < 20; i++) expect([400, 429]).toContain((await enterCode(attacker.browser, checks.url, i % 2 ? victim.code : '12345678')).status);
    const locked = await enterCode(attacker.browser, checks.url, attacker.code);
    expect([locked.status, textOf(locked.html, 'step-up-error')]).toEqual([429, `Too many wrong codes. Try again in ${locked.retryAfter} s, with a new code.`]);
    // The victim still has all 5 checks of the code and the whole subject budget: 4 wrong, then the right one.
    const wrong = victim.code === '00000000' ? '00000001' : '00000000';
    for (let i = 1; i <= 4; i++) expect((await enterCode(victim.browser, checks.url, wrong)).status).toBe(400);
    expect((await enterCode(victim.browser, checks.url, victim.code)).status).toBe(303);
  }, 90_000);

  it('forward auth answers second_factor from what this step-up records: 401 naming the page, the page returns to the service’s absolute URL (an allowed host), then 200', async () => {
    const browser = new RecordingBrowser();
    await signInTo(browser, checks.url, '/', USERS.rosa);
    const verify = () =>
      fetch(`${checks.url}/auth/verify?second_factor=1`, {
        redirect: 'manual',
        headers: { cookie: `app_session=${browser.cookies(checks.url).get('app_session')}`, 'x-original-uri': '/details/7?view=full', 'x-forwarded-host': 'details.example.test', 'x-forwarded-proto': 'http' },
      });
    const refused = await verify();
    expect(refused.status).toBe(401);
    const stepUp = new URL(refused.headers.get('x-auth-step-up')!);
    const back = 'http://details.example.test/details/7?view=full';
    expect([stepUp.pathname, stepUp.searchParams.get('returnTo')]).toEqual(['/auth/second-factor', back]);

    const page = await browser.request(`${checks.url}${stepUp.pathname}${stepUp.search}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`name="returnTo" value="${back.replace('&', '&amp;')}"`);
    const before = smtp.messages.length;
    expect((await sendCode(browser, checks.url, back)).status).toBe(200);
    const code = codeIn((await mailTo(USERS.rosa.email, before)).text);
    const entered = await enterCode(browser, checks.url, code, back);
    expect([entered.status, entered.location]).toEqual([303, back]);
    expect((await verify()).status).toBe(200);
    // The same rule as login's: a host AUTH_REDIRECT_ALLOWED_HOSTS does not name goes home instead.
    const foreign = await browser.request(`${checks.url}/auth/second-factor?returnTo=${encodeURIComponent('https://evil.example/x')}`);
    expect(await foreign.text()).toContain('name="returnTo" value="/"');
  }, 60_000);

  it('a user whose IdP verified no e-mail address gets a page that says so and what to do, and nothing is sent', async () => {
    const browser = new RecordingBrowser();
    const landed = await signInTo(browser, app.url, '/account', UNVERIFIED);
    expect(new URL(landed.url).pathname).toBe('/auth/second-factor');
    expect(textOf(landed.html, 'step-up-error')).toMatch(/^Your identity provider has not confirmed an e-mail address for you.*Add and verify an e-mail address/);
    expect(landed.html).not.toContain('id="step-up-send"');
    const before = smtp.messages.length;
    expect((await sendCode(browser, app.url)).status).toBe(409);
    expect(smtp.messages.length).toBe(before);
  }, 30_000);

  it('a slow mailbox is bounded by DELIVERY_TIMEOUT_MS: the page says it could not send, and the code is revoked', async () => {
    smtp.dataDelayMs = 3_000;
    const browser = new RecordingBrowser();
    await signInTo(browser, fast.url, '/account', USERS.lola);
    const sent = await sendCode(browser, fast.url);
    expect(sent.status).toBe(503);
    expect(textOf(sent.html, 'step-up-error')).toBe('We could not send your code. Nothing was sent that works; try again in a moment.');
    const rows = await stepUpRows(USERS.lola.sub);
    expect(rows.map((r) => r.state)).toEqual(['revoked']);
  }, 30_000);

  it('the queue or the table down: the page answers 503 as getcode does, nothing is mailed, and a code written before the queue failed is revoked', async () => {
    const before = smtp.messages.length;
    const browser = new RecordingBrowser();
    await signInTo(browser, queueDown.url, '/account', USERS.mona);
    const queue = await sendCode(browser, queueDown.url);
    expect([queue.status, textOf(queue.html, 'step-up-error')]).toEqual([503, 'The code queue is unavailable; no code was issued. Try again shortly.']);
    expect((await stepUpRows(USERS.mona.sub)).map((r) => r.state)).toEqual(['revoked']);

    const other = new RecordingBrowser();
    await signInTo(other, tableDown.url, '/account', USERS.nick);
    const table = await sendCode(other, tableDown.url);
    expect([table.status, textOf(table.html, 'step-up-error')]).toEqual([503, 'The code table is unavailable. Try again shortly.']);
    const getcode = await fetch(`${tableDown.url}/api/v1/getcode`);
    expect([getcode.status, ((await getcode.json()) as { error: string }).error]).toEqual([503, 'CODE_TABLE_UNAVAILABLE']);
    expect(smtp.messages.length).toBe(before);
  }, 60_000);

  it('readiness reports the channel; an SMTP outage leaves the API ready (only step-up sends fail then)', async () => {
    const ready = await fetch(`${app.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { info: Record<string, unknown> }).info.delivery).toEqual({ status: 'up' });
    await smtp.stop();
    try {
      const during = await fetch(`${fast.url}/health/ready`);
      expect(during.status).toBe(200);
      expect(((await during.json()) as { info: Record<string, unknown> }).info.delivery).toEqual({ status: 'up' });
    } finally {
      await smtp.restart();
    }
  }, 30_000);

  /** The step-up code rows of a subject, read straight from the code table on Azurite. */
  async function stepUpRows(subject: string): Promise<Array<Record<string, unknown>>> {
    const rows: Array<Record<string, unknown>> = [];
    for await (const row of tableClient(azurite).listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`subject eq ${subject} and purpose eq 'step-up'` } })) rows.push(row);
    return rows;
  }
});
