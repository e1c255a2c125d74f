import { odata } from '@azure/data-tables';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DEMO_USER } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { CLIENT_ID, CLIENT_SECRET, SESSION_SECRET, freePort, startTestIdp } from '../auth/support/oidc-harness.js';
import { AcsDouble } from '../support/acs-double.js';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { ManagedIdentityDouble } from '../support/managed-identity-double.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { spawnEntry, type SpawnedProcess } from '../support/processes.js';
import { startSmtpServer, type SmtpTestServer } from '../support/smtp.js';
import { tableClient } from '../lifecycle/lifecycle-support.js';
import { BOB, CAROL, RecordingBrowser, codeIn, enterCode, sendCode, signInTo, textOf } from './support/step-up.js';

const COOKIE = 'app_session';

interface Api {
  url: string;
  process: SpawnedProcess;
}

/**
 * Step-up across REAL API processes (dist/apps/api/main.js) sharing sessions and codes through
 * Azurite: a code sent by one instance is typed on the other; a code is its owner's alone; a channel
 * that is down gives the clear page and leaves no usable code; ACS Email and SMS are sent by the real
 * SDKs with a managed-identity token to their protocol double. Every answer and every log line of
 * every process is scanned for the codes at the end.
 */
describe('step-up across two API processes (SMTP), and through ACS Email and SMS', () => {
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  let smtp: SmtpTestServer;
  let identity: ManagedIdentityDouble;
  let acs: AcsDouble;
  let idp: RunningDevIdp;
  let a: Api;
  let b: Api;
  let acsEmail: Api;
  let acsSms: Api;
  const processes: SpawnedProcess[] = [];
  const browsers: RecordingBrowser[] = [];
  const codes: string[] = [];

  const base = (port: number) => `http://127.0.0.1:${port}`;
  const start = async (port: number, publicBase: string, extra: Record<string, string>): Promise<Api> => {
    const child = spawnEntry('apps/api/main.js', {
      NODE_ENV: 'test',
      // Everything the app would ever log, so the scan for codes sees it all.
      LOG_LEVEL: 'trace',
      // Every line written at once: the scans below read the output as it is, not after the 1 s batch.
      LOG_FLUSH_MS: '0',
      PORT: String(port),
      HOST: '127.0.0.1',
      THIRD_PARTY_API_ENDPOINT: numbers.url,
      SECRET_THIRD_PARTY_API_KEY: numbers.validKey,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      QUEUE_CREATE_IF_MISSING: 'true',
      CODE_TABLE_CREATE_IF_MISSING: 'true',
      AUTH_PROVIDER: 'dev',
      OIDC_ISSUER_URL: idp.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      SECRET_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      SECRET_SESSION_SECRET: SESSION_SECRET,
      PUBLIC_BASE_URL: publicBase,
      THROTTLE_LIMIT: '100000',
      VERIFY_THROTTLE_LIMIT: '100000',
      DELIVERY_APP_NAME: 'Integrated auth test',
      DELIVERY_TIMEOUT_MS: '5000',
      // Users send again across tests here; the cooldown has its own test.
      STEP_UP_RESEND_COOLDOWN_SECONDS: '0',
      ...extra,
    });
    processes.push(child);
    await child.waitFor(/API listening/, 30_000);
    return { url: base(port), process: child };
  };
  const browser = () => {
    const made = new RecordingBrowser();
    browsers.push(made);
    return made;
  };
  /** The same browser on the other instance: its session cookie, under the other origin. */
  const carry = (from: RecordingBrowser, fromApi: Api, to: Api) => from.cookies(to.url).set(COOKIE, from.cookies(fromApi.url).get(COOKIE)!);
  const mailTo = (address: string, after: number) => smtp.waitForMessage((m) => m.to.includes(address) && smtp.messages.indexOf(m) >= after);

  beforeAll(async () => {
    [azurite, numbers, smtp] = await Promise.all([startAzurite(), new NumberApiDouble().start(), startSmtpServer()]);
    identity = await new ManagedIdentityDouble().start();
    acs = await new AcsDouble({ identity }).start();
    const [portA, portB, portEmail, portSms] = [await freePort(), await freePort(), await freePort(), await freePort()];
    idp = await startTestIdp([base(portA), base(portB), base(portEmail), base(portSms)], { users: [DEMO_USER, BOB, CAROL] });
    const smtpEnv = { CODE_DELIVERY: 'smtp', SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port), MAIL_FROM: 'no-reply@example.test' };
    // One public URL in front of both instances, as behind a load balancer.
    [a, b] = await Promise.all([start(portA, base(portA), smtpEnv), start(portB, base(portA), smtpEnv)]);
    const acsEnv = { ACS_ENDPOINT: acs.endpoint, ACS_EMAIL_POLL_INTERVAL_MS: '10', ...(await identity.childProcessEnv()) };
    [acsEmail, acsSms] = await Promise.all([
      start(portEmail, base(portEmail), { ...acsEnv, CODE_DELIVERY: 'acs-email', MAIL_FROM: 'DoNotReply@example.test' }),
      start(portSms, base(portSms), { ...acsEnv, CODE_DELIVERY: 'acs-sms', SMS_FROM: '+18005550100', OIDC_SCOPES: 'openid profile email phone offline_access' }),
    ]);
  }, 120_000);

  afterAll(async () => {
    for (const child of processes) {
      child.kill('SIGTERM');
      await child.exited();
    }
    await idp?.close();
    await acs?.stop();
    await identity?.stop();
    await smtp?.stop();
    await numbers?.stop();
    await azurite?.stop();
  }, 60_000);

  it('a code sent by one instance is accepted on the other, and the stepped-up session works on both', async () => {
    const demo = browser();
    demo.publicOrigin = a.url;
    expect(new URL((await signInTo(demo, a.url, '/account')).url).pathname).toBe('/auth/second-factor');
    const before = smtp.messages.length;
    expect((await sendCode(demo, a.url)).status).toBe(200);
    const code = codeIn((await mailTo(DEMO_USER.email, before)).text);
    codes.push(code);

    carry(demo, a, b);
    const entered = await enterCode(demo, b.url, code);
    expect([entered.status, entered.location]).toEqual([303, '/account']);
    carry(demo, b, a);
    for (const api of [a, b]) expect((await demo.request(`${api.url}/account`)).status).toBe(200);
  }, 60_000);

  it('user A’s code fails for user B (and still works for A afterwards)', async () => {
    const demo = browser();
    const bob = browser();
    bob.publicOrigin = a.url;
    await signInTo(demo, a.url, '/account');
    // Login redirects come back to the public URL (A's); the session is then good on B too.
    await signInTo(bob, a.url, '/account', BOB);
    carry(bob, a, b);
    const before = smtp.messages.length;
    expect((await sendCode(demo, a.url)).status).toBe(200);
    const demoCode = codeIn((await mailTo(DEMO_USER.email, before)).text);
    codes.push(demoCode);

    const refused = await enterCode(bob, b.url, demoCode);
    expect(refused.status).toBe(400);
    expect(textOf(refused.html, 'step-up-error')).toMatch(/^That code is not right/);
    expect((await bob.request(`${b.url}/account`)).status).toBe(302);
    expect((await enterCode(demo, a.url, demoCode)).status).toBe(303);
  }, 60_000);

  it('SMTP down: the page says it could not send and to try again, and the code it issued is revoked', async () => {
    const bob = browser();
    await signInTo(bob, a.url, '/account', BOB);
    await smtp.stop();
    try {
      const sent = await sendCode(bob, a.url);
      expect(sent.status).toBe(503);
      expect(textOf(sent.html, 'step-up-error')).toBe('We could not send your code. Nothing was sent that works; try again in a moment.');
    } finally {
      await smtp.restart();
    }
    const rows: Array<Record<string, unknown>> = [];
    for await (const row of tableClient(azurite).listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`subject eq ${BOB.sub} and purpose eq 'step-up'` } })) rows.push(row);
    const newest = rows.sort((x, y) => String(y.issuedAt).localeCompare(String(x.issuedAt)))[0]!;
    expect(newest.state).toBe('revoked');
    codes.push(newest.partitionKey as string);
    const sendFailed = /"event":"second-factor\.code\.send-failed"/;
    // The audit line can reach this process after the 503 did.
    await Promise.any([a.process.waitFor(sendFailed, 5_000), b.process.waitFor(sendFailed, 5_000)]).catch(() => undefined);
    expect(b.process.output() + a.process.output()).toMatch(sendFailed);
  }, 60_000);

  it('ACS Email: the real EmailClient sends with a managed-identity token for Communication Services, and the code works', async () => {
    const demo = browser();
    await signInTo(demo, acsEmail.url, '/account');
    const tokensBefore = identity.requestedResources.filter((r) => r.startsWith('https://communication.azure.com')).length;
    expect((await sendCode(demo, acsEmail.url)).status).toBe(200);
    const sent = acs.emails.at(-1)!;
    expect(sent).toMatchObject({ senderAddress: 'DoNotReply@example.test', to: [{ address: DEMO_USER.email }], subject: 'Your Integrated auth test sign-in code', principalId: identity.principalId });
    expect(identity.requestedResources.filter((r) => r.startsWith('https://communication.azure.com')).length).toBeGreaterThan(tokensBefore);
    const code = codeIn(sent.plainText!);
    codes.push(code);
    expect(sent.html).toContain(`${code.slice(0, 4)} ${code.slice(4)}`);
    expect((await enterCode(demo, acsEmail.url, code)).status).toBe(303);
  }, 60_000);

  it('ACS SMS: the real SmsClient texts the IdP-verified phone number with a managed-identity token, and the code works', async () => {
    const carol = browser();
    const landed = await signInTo(carol, acsSms.url, '/account', CAROL);
    expect(textOf(landed.html, 'step-up-destination')).toBe('+\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u202223');
    expect((await sendCode(carol, acsSms.url)).status).toBe(200);
    const sms = acs.sms.at(-1)!;
    expect(sms).toMatchObject({ from: '+18005550100', to: CAROL.phoneNumber, principalId: identity.principalId });
    expect(sms.message).toMatch(/^Integrated auth test sign-in code: \d{4} \d{4}\. It expires at \d\d:\d\d UTC, in 10 minutes\. If you did not ask for it, ignore this message\.$/);
    const code = codeIn(sms.message);
    codes.push(code);
    expect((await enterCode(carol, acsSms.url, code)).status).toBe(303);
  }, 60_000);

  it('ACS down: the clear page again, with the code revoked', async () => {
    const bob = browser();
    await signInTo(bob, acsEmail.url, '/account', BOB);
    acs.failNext({ status: 503, times: 10, service: 'email' });
    const sent = await sendCode(bob, acsEmail.url);
    acs.clearFaults();
    expect(sent.status).toBe(503);
    expect(textOf(sent.html, 'step-up-error')).toMatch(/^We could not send your code/);
  }, 60_000);

  it('every send, verify and failure wrote one audit line (event, subject, issuer, masked destination, channel, outcome); no code is in any answer or log line', () => {
    const lines = processes.flatMap((p) => p.output().split('\n')).flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    const audits = lines.filter((l) => typeof l.event === 'string' && String(l.event).startsWith('second-factor.'));
    expect(audits.find((l) => l.event === 'second-factor.code.sent' && l.channel === 'smtp')).toMatchObject({
      subject: DEMO_USER.sub,
      issuer: idp.issuer,
      destination: 'd\u2022\u2022\u2022@example.test',
      channel: 'smtp',
      outcome: 'sent',
    });
    expect(audits.map((l) => `${l.event} ${l.channel} ${l.outcome}`)).toEqual(
      expect.arrayContaining([
        'second-factor.code.verified smtp ok',
        'second-factor.code.refused smtp wrong',
        'second-factor.code.send-failed smtp failed',
        'second-factor.code.sent acs-email sent',
        'second-factor.code.sent acs-sms sent',
        'second-factor.code.send-failed acs-email failed',
      ]),
    );
    for (const line of audits) expect(Object.keys(line)).toEqual(expect.arrayContaining(['event', 'subject', 'issuer', 'channel', 'outcome']));
    expect(codes.length).toBeGreaterThanOrEqual(5);
    const everything = [...processes.map((p) => p.output()), ...browsers.flatMap((br) => br.bodies)].join('\n');
    for (const code of codes) {
      expect(everything).not.toContain(code);
      expect(everything).not.toContain(`${code.slice(0, 4)} ${code.slice(4)}`);
    }
  });
});
