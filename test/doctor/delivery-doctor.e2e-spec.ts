import { AcsDouble } from '../support/acs-double.js';
import { createCodeStorage, startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { startMailDev, type MailDevHandle } from '../support/maildev.js';
import { ManagedIdentityDouble } from '../support/managed-identity-double.js';
import { freePort } from '../support/ports.js';
import { spawnEntry } from '../support/processes.js';
import { startSmtpServer, type SmtpTestServer } from '../support/smtp.js';

/**
 * `npm run doctor`'s delivery checks, as a process against the real parts the channels talk to:
 * MailDev (the local stack's mailbox), nodemailer's smtp-server with STARTTLS and AUTH, and the
 * ACS double with the managed-identity double. Each run sends nothing.
 */
describe('npm run doctor: the code delivery channel', () => {
  let azurite: AzuriteHandle;
  let maildev: MailDevHandle;
  let smtp: SmtpTestServer;
  let identity: ManagedIdentityDouble;
  let acs: AcsDouble;

  beforeAll(async () => {
    azurite = await startAzurite();
    await createCodeStorage(azurite);
    [maildev, smtp] = await Promise.all([startMailDev(), startSmtpServer({ auth: { user: 'app', pass: 'right-password' }, starttls: true })]);
    identity = await new ManagedIdentityDouble().start();
    acs = await new AcsDouble({ identity }).start();
  }, 60_000);

  afterAll(async () => {
    await acs?.stop();
    await identity?.stop();
    await smtp?.stop();
    await maildev?.stop();
    await azurite?.stop();
  });

  /** Everything else green (sign-in off), so the exit code is the channel's. */
  const base = (): Record<string, string> => ({
    NODE_ENV: 'development',
    THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/api/RandomNumber',
    SECRET_THIRD_PARTY_API_KEY: 'key',
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
  });

  const doctor = async (env: Record<string, string>) => {
    const child = spawnEntry('apps/doctor/main.js', { ...base(), ...env });
    const { code } = await child.exited();
    const output = child.output();
    const line = (check: string) => output.split('\n').find((l) => new RegExp(`^(ok|WARN|FAIL)\\s+${check.replace('.', '\\.')}\\s`).test(l)) ?? `(no line for ${check} in:\n${output})`;
    return { code, output, line };
  };

  it('MailDev, as npm start runs it: the SMTP server greets and takes mail without AUTH; exit 0, and no mail arrives', async () => {
    const run = await doctor({ CODE_DELIVERY: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(maildev.smtpPort), MAIL_FROM: 'no-reply@localhost' });
    expect(run.line('delivery.smtp')).toMatch(new RegExp(`^ok\\s+delivery\\.smtp\\s+127\\.0\\.0\\.1:${maildev.smtpPort} greets \\(STARTTLS when offered\\) and takes mail without AUTH`));
    expect(run.code).toBe(0);
    expect(await maildev.emails()).toEqual([]);
  }, 60_000);

  it('an SMTP relay with STARTTLS required and AUTH: the right password passes; a wrong one fails naming SMTP_PASSWORD_SECRET_NAME, never printing it', async () => {
    const env = {
      ...(await identity.childProcessEnv()), // NODE_EXTRA_CA_CERTS: the server's test certificate
      CODE_DELIVERY: 'smtp',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_REQUIRE_TLS: 'true',
      SMTP_USER: 'app',
      MAIL_FROM: 'no-reply@example.test',
    };
    const right = await doctor({ ...env, SECRET_SMTP_PASSWORD: 'right-password' });
    expect(right.line('delivery.smtp')).toMatch(/^ok\s+delivery\.smtp\s+127\.0\.0\.1:\d+ greets \(STARTTLS required\) and accepts AUTH as app$/);
    expect(right.code).toBe(0);

    const wrong = await doctor({ ...env, SECRET_SMTP_PASSWORD: 'wrong-password' });
    expect(wrong.code).toBe(1);
    expect(wrong.line('delivery.smtp')).toMatch(/^FAIL\s+delivery\.smtp\s+127\.0\.0\.1:\d+ refuses AUTH as app \(EAUTH 535\) \| fix: .*SECRET_SMTP_PASSWORD.* \| variable: SMTP_PASSWORD_SECRET_NAME$/);
    expect(wrong.output).not.toContain('wrong-password');

    const missing = await doctor(env);
    expect(missing.line('delivery.smtp')).toMatch(/^FAIL\s+delivery\.smtp\s+the SMTP password cannot be read.*\| variable: SMTP_PASSWORD_SECRET_NAME$/);
    expect(smtp.messages).toEqual([]);
  }, 90_000);

  it('an SMTP server that is not there fails naming SMTP_HOST', async () => {
    const run = await doctor({ CODE_DELIVERY: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(await freePort()), MAIL_FROM: 'no-reply@example.test' });
    expect(run.code).toBe(1);
    expect(run.line('delivery.smtp')).toMatch(/^FAIL\s+delivery\.smtp\s+cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\) \| fix: start the SMTP server or correct its address \| variable: SMTP_HOST$/);
  }, 60_000);

  it('ACS Email and SMS: the identity gets a Communication Services token and ACS_ENDPOINT takes it; an identity without the role fails naming ACS_ENDPOINT', async () => {
    const env = { ...(await identity.childProcessEnv()), ACS_ENDPOINT: acs.endpoint, MAIL_FROM: 'DoNotReply@example.test', SMS_FROM: '+18005550100' };
    const email = await doctor({ ...env, CODE_DELIVERY: 'acs-email' });
    expect(email.line('delivery.acs')).toMatch(/^ok\s+delivery\.acs\s+https:\/\/127\.0\.0\.1:\d+ answers with the identity's Communication Services token \(acs-email\)$/);
    expect(email.code).toBe(0);
    const sms = await doctor({ ...env, CODE_DELIVERY: 'acs-sms' });
    expect(sms.line('delivery.acs')).toMatch(/^ok\s+delivery\.acs\s+.*\(acs-sms\)$/);
    expect(identity.requestedResources).toContain('https://communication.azure.com/');

    acs.forbid = true;
    try {
      const forbidden = await doctor({ ...env, CODE_DELIVERY: 'acs-email' });
      expect(forbidden.code).toBe(1);
      expect(forbidden.line('delivery.acs')).toMatch(/^FAIL\s+delivery\.acs\s+the identity has no role on https:\/\/127\.0\.0\.1:\d+ \(403\) \| fix: give the identity "Communication and Email Service Owner".*\| variable: ACS_ENDPOINT$/);
    } finally {
      acs.forbid = false;
    }
    expect([acs.emails, acs.sms]).toEqual([[], []]);
  }, 90_000);

  it('CODE_DELIVERY=response has no channel to check', async () => {
    const run = await doctor({});
    expect(run.output).not.toMatch(/delivery\./);
    expect(run.code).toBe(0);
  }, 60_000);
});
