import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_USER } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { LOCAL_STACK_PORTS, type LocalStackPorts, localStackEnvironment, localStackParts } from '../../src/dev/local-stack/local-stack.parts.js';
import { Supervisor } from '../../src/dev/local-stack/supervisor.js';
import { freePort } from '../support/ports.js';
import type { MailDevEmail } from '../support/maildev.js';
import { describeWithChromium } from './support/chromium.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'browser-second-factor');
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
/** Short enough to wait out in the test. */
const MAX_AGE_SECONDS = 8;

/** Every part of `npm start` on its own free port. */
async function freeStackPorts(): Promise<LocalStackPorts> {
  const taken = new Set<number>();
  const next = async (): Promise<number> => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) return taken.add(port), port;
    }
  };
  const ports = { ...LOCAL_STACK_PORTS };
  for (const key of Object.keys(ports) as Array<keyof LocalStackPorts>) ports[key] = await next();
  return ports;
}

/**
 * The second factor in real Chromium, on the local stack as `npm start` runs it (Azurite, the
 * number API stand-in, the watcher, the Tiki stand-in, the dev IdP, MailDev and the API, each a
 * process started by the stack's own supervisor), on free ports. The code is read from MailDev's
 * REST API, as a developer reads it in its web UI.
 */
describeWithChromium('browser: step-up with a code mailed to MailDev, on the local stack', (chromiumPath) => {
  let ports: LocalStackPorts;
  let dataDir: string;
  let supervisor: Supervisor;
  const stackLines: string[] = [];
  let browser: Browser;
  let page: Page;
  /** Every body the browser received, whatever the page or request. */
  const received: string[] = [];
  const codes: string[] = [];
  let shot = 0;
  let app = '';
  const screenshot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });

  const mails = async (): Promise<MailDevEmail[]> => (await fetch(`http://127.0.0.1:${ports.mailbox}/api/email`)).json() as Promise<MailDevEmail[]>;
  /** The code of the newest mail to the demo user, once more than `seen` have arrived. */
  async function mailedCode(seen: number): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const list = (await mails()).filter((m) => m.to.some((t) => t.address === DEMO_USER.email));
      if (list.length > seen) {
        const match = /(\d{4}) (\d{4})/.exec(list.at(-1)!.text ?? '');
        if (!match) throw new Error('a mail without a code');
        codes.push(`${match[1]}${match[2]}`);
        return `${match[1]} ${match[2]}`;
      }
      if (Date.now() > deadline) throw new Error('no mail in MailDev');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const mailCount = async () => (await mails()).filter((m) => m.to.some((t) => t.address === DEMO_USER.email)).length;
  const text = async (selector: string) => (await page.textContent(selector))?.trim();

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    ports = await freeStackPorts();
    dataDir = await mkdtemp(join(tmpdir(), 'stack-azurite-'));
    app = `http://localhost:${ports.api}`;
    const env = {
      ...localStackEnvironment({ PATH: process.env.PATH }, join(dataDir, 'oidc-client-key.json'), ports),
      LOG_FORMAT: 'json',
      STEP_UP_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS),
      STEP_UP_RESEND_COOLDOWN_SECONDS: '1',
      // The earlier tests' wrong codes count against the subject too: a budget above the per-code
      // checks (5) lets the lock test show the per-code limit, not the subject's.
      VERIFY_MAX_ATTEMPTS: '20',
      // One browser types more codes in a minute than the per-address `verify` limit (10) allows.
      VERIFY_THROTTLE_LIMIT: '100',
    };
    supervisor = new Supervisor(env, (line) => void stackLines.push(line));
    await supervisor.start(localStackParts(env, { ports, dataDir }));
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
    page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
    page.on('response', (response) => {
      void response.text().then(
        (body) => received.push(`${response.url()}\n${JSON.stringify(response.headers())}\n${body}`),
        () => received.push(`${response.url()}\n${JSON.stringify(response.headers())}`),
      );
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await supervisor?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('npm start’s stack prints the mailbox URL among its parts', () => {
    expect(localStackParts({}).flatMap((p) => p.urls ?? []).map((u) => u.url)).toContain('http://localhost:1080/');
    expect(stackLines.some((l) => l.startsWith('[maildev]'))).toBe(true);
  });

  it('open /account, log in, land on /auth/second-factor, send, read the code in MailDev, type it, see /account', async () => {
    await page.goto(`${app}/account`);
    await page.waitForURL((u) => u.pathname.startsWith('/interaction/'));
    await page.fill('#username', DEMO_USER.username);
    await page.fill('#password', DEMO_USER.password);
    await page.click('#sign-in');
    await page.waitForURL(`${app}/auth/second-factor?returnTo=%2Faccount`);
    expect(await text('#step-up-destination')).toBe('d\u2022\u2022\u2022@example.test');
    await screenshot('second-factor-page');

    const seen = await mailCount();
    await page.click('#step-up-send');
    expect(await text('#step-up-sent')).toMatch(/^Code sent\./);
    const code = await mailedCode(seen);
    await screenshot('code-sent');

    await page.fill('#step-up-code', code);
    await page.click('#step-up-verify');
    await page.waitForURL(`${app}/account`);
    expect(await text('#account-name')).toBe(DEMO_USER.name);
    expect(await text('#account-destination')).toBe('d\u2022\u2022\u2022@example.test');
    expect(await text('#account-second-factor')).toMatch(/UTC, by a code sent to you$/);
    await screenshot('account');
    expect(await page.locator('script').count()).toBe(0);
  }, 60_000);

  it('after the max age, /account asks again', async () => {
    await new Promise((resolve) => setTimeout(resolve, (MAX_AGE_SECONDS + 1) * 1000));
    await page.goto(`${app}/account`);
    await page.waitForURL(`${app}/auth/second-factor?returnTo=%2Faccount`);
    await screenshot('asked-again');
  }, 30_000);

  it('a wrong code is refused', async () => {
    const seen = await mailCount();
    await page.click('#step-up-send');
    const code = await mailedCode(seen);
    const wrong = code === '0000 0000' ? '0000 0001' : '0000 0000';
    await page.fill('#step-up-code', wrong);
    await page.click('#step-up-verify');
    expect(await text('#step-up-error')).toBe('That code is not right, or it has expired. Check the code and try again, or send a new one.');
    expect(new URL(page.url()).pathname).toBe('/auth/second-factor/verify');
    await screenshot('wrong-code');
    // The right one still works.
    await page.fill('#step-up-code', code);
    await page.click('#step-up-verify');
    await page.waitForURL(`${app}/account`);
  }, 30_000);

  it('a code from GET /api/v1/getcode is refused', async () => {
    await new Promise((resolve) => setTimeout(resolve, (MAX_AGE_SECONDS + 1) * 1000));
    await page.goto(`${app}/api/v1/getcode`);
    const { code: publicCode } = JSON.parse((await page.textContent('body'))!) as { code: string };
    await page.goto(`${app}/account`);
    await page.waitForURL(`${app}/auth/second-factor?returnTo=%2Faccount`);
    await page.fill('#step-up-code', publicCode);
    await page.click('#step-up-verify');
    expect(await text('#step-up-error')).toMatch(/^That code is not right/);
    await screenshot('getcode-code-refused');
  }, 30_000);

  it('5 wrong codes lock that code, and the page says what to do', async () => {
    await page.goto(`${app}/auth/second-factor?returnTo=%2Faccount`);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const seen = await mailCount();
    await page.click('#step-up-send');
    const code = await mailedCode(seen);
    const wrong = code === '1111 1111' ? '2222 2222' : '1111 1111';
    for (let i = 0; i < 5; i++) {
      await page.fill('#step-up-code', wrong);
      await page.click('#step-up-verify');
    }
    const said = await text('#step-up-error');
    await screenshot('code-locked');
    // The right code no longer works either: it is locked.
    await page.fill('#step-up-code', code);
    await page.click('#step-up-verify');
    expect(new URL(page.url()).pathname).toBe('/auth/second-factor/verify');
    expect(said).toBe(LOCKED_MESSAGE);
    expect(await text('#step-up-error')).toBe(LOCKED_MESSAGE);
    // What the page says to do works: a new code, and /account again.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await mailCount();
    await page.click('#step-up-send');
    await page.fill('#step-up-code', await mailedCode(again));
    await page.click('#step-up-verify');
    await page.waitForURL(`${app}/account`);
  }, 60_000);

  it('the code was in no answer the browser received, and in no log line of the stack', () => {
    expect(codes.length).toBeGreaterThanOrEqual(3);
    expect(received.length).toBeGreaterThan(10);
    for (const code of codes) {
      const spaced = `${code.slice(0, 4)} ${code.slice(4)}`;
      for (const body of received) expect(body).not.toContain(code);
      for (const body of received) expect(body).not.toContain(spaced);
      for (const line of stackLines.filter((l) => !l.startsWith('[maildev]'))) {
        expect(line).not.toContain(code);
        expect(line).not.toContain(spaced);
      }
    }
  });
});

/** What the page says once the code is locked: send a new one (after 17: per-code checks; before: the subject's budget). */
const LOCKED_MESSAGE = 'That code was entered wrong 5 times and no longer works. Send a new code and enter that one.';
