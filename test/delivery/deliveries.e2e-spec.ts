import { SystemClock } from '../../src/common/clock.js';
import { createCodeDelivery } from '../../src/delivery/code-delivery.factory.js';
import type { CodeDelivery } from '../../src/delivery/code-delivery.js';
import { deliveryConfigSection, type DeliveryConfig } from '../../src/delivery/delivery.config.js';
import { DeliveryService } from '../../src/delivery/delivery.service.js';
import { AcsDouble } from '../support/acs-double.js';
import { ManagedIdentityDouble } from '../support/managed-identity-double.js';
import { startSmtpServer, type SmtpTestServer } from '../support/smtp.js';
import { trustTestCertificate } from '../support/tls.js';

const config = (env: Record<string, string>): DeliveryConfig => {
  const r = deliveryConfigSection.parse(env);
  if (!r.ok) throw new Error(r.problems.join());
  return r.value;
};
const notice = { code: '16482913', expiresAt: new Date(Date.now() + 600_000) };
const email = { kind: 'email' as const, address: 'dana@example.test' };
const who = { subject: 'sub-1' };
const quietly = (service: DeliveryService) => {
  const logger = (service as unknown as { logger: { log: () => void; warn: () => void } }).logger;
  logger.log = logger.warn = () => undefined;
  return service;
};

/** Each channel with its real client: nodemailer to a real SMTP server, the ACS SDKs to their HTTPS double with a managed-identity token. */
describe('code deliveries against real servers and protocol doubles', () => {
  describe('smtp: AUTH over STARTTLS with the password from the secret store', () => {
    let smtp: SmtpTestServer;
    beforeAll(async () => {
      await trustTestCertificate();
      smtp = await startSmtpServer({ auth: { user: 'mailer', pass: 'mail-pass' }, starttls: true });
    });
    afterAll(() => smtp.stop());

    const delivery = (password: string) =>
      createCodeDelivery(
        config({ CODE_DELIVERY: 'smtp', SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port), SMTP_REQUIRE_TLS: 'true', SMTP_USER: 'mailer', MAIL_FROM: 'no-reply@example.test' }),
        { get: async (name: string) => (name === 'smtp-password' ? password : 'wrong secret asked for'), refresh: async () => password },
        new SystemClock(),
      );

    it('sends as the user named in SMTP_USER, with the secret `smtp-password`', async () => {
      await (await delivery('mail-pass')).send(email, notice, AbortSignal.timeout(5000));
      expect(smtp.messages.at(-1)).toMatchObject({ user: 'mailer', to: ['dana@example.test'] });
    });

    it('a refused login re-reads the password from the secret store (rotation), and the next send logs in with the new one', async () => {
      let stored = 'old-pass';
      const reads: string[] = [];
      const rotating = await createCodeDelivery(
        config({ CODE_DELIVERY: 'smtp', SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port), SMTP_REQUIRE_TLS: 'true', SMTP_USER: 'mailer', MAIL_FROM: 'no-reply@example.test' }),
        {
          get: async () => (reads.push('get'), stored),
          refresh: async (_name: string, rejected: string) => (reads.push(`refresh ${rejected}`), (stored = 'mail-pass')),
        },
        new SystemClock(),
      );
      await expect(rotating.send(email, notice, AbortSignal.timeout(5000))).rejects.toMatchObject({ code: 'EAUTH' });
      const before = smtp.messages.length;
      await rotating.send(email, notice, AbortSignal.timeout(5000));
      expect(smtp.messages.length).toBe(before + 1);
      expect(reads).toEqual(['get', 'refresh old-pass', 'get']);
    });

    it('connections are kept between sends (a server greets a new one only after a pause)', async () => {
      const pooled = await delivery('mail-pass');
      const before = smtp.connections;
      for (let i = 0; i < 3; i++) await pooled.send(email, notice, AbortSignal.timeout(5000));
      expect(smtp.connections - before).toBe(1);
    });

    it('a refused login is a failure with its kind and status, and the ping (readiness) fails too', async () => {
      const wrong = await delivery('nope');
      await expect(wrong.send(email, notice, AbortSignal.timeout(5000))).rejects.toMatchObject({ code: 'EAUTH', responseCode: 535 });
      await expect(wrong.ping(AbortSignal.timeout(5000))).rejects.toMatchObject({ code: 'EAUTH' });
      await expect((await delivery('mail-pass')).ping(AbortSignal.timeout(5000))).resolves.toBeUndefined();
    });
  });

  describe('ACS (real EmailClient and SmsClient, DefaultAzureCredential through the managed-identity double)', () => {
    let identity: ManagedIdentityDouble;
    let acs: AcsDouble;
    const savedEnv = { ...process.env };
    let emailDelivery: CodeDelivery;
    let smsDelivery: CodeDelivery;

    beforeAll(async () => {
      identity = await new ManagedIdentityDouble().start();
      acs = await new AcsDouble({ identity }).start();
      Object.assign(process.env, acs.credentialEnv());
      const base = { ACS_ENDPOINT: acs.endpoint, ACS_EMAIL_POLL_INTERVAL_MS: '10' };
      emailDelivery = await createCodeDelivery(config({ ...base, CODE_DELIVERY: 'acs-email', MAIL_FROM: '"App" <DoNotReply@example.test>' }), { get: async () => '', refresh: async () => '' }, new SystemClock());
      smsDelivery = await createCodeDelivery(config({ ...base, CODE_DELIVERY: 'acs-sms', SMS_FROM: '+18005550100' }), { get: async () => '', refresh: async () => '' }, new SystemClock());
    });
    afterEach(() => {
      acs.clearFaults();
      acs.runningPolls = 0;
    });
    afterAll(async () => {
      process.env = savedEnv;
      await acs.stop();
      await identity.stop();
    });

    it('email: waits for the operation to succeed (polled), from the address part of MAIL_FROM, with the identity’s token', async () => {
      acs.runningPolls = 2;
      await emailDelivery.send(email, notice, AbortSignal.timeout(5000));
      expect(acs.emails.at(-1)).toMatchObject({ senderAddress: 'DoNotReply@example.test', to: [{ address: 'dana@example.test' }], principalId: identity.principalId });
      expect(identity.requestedResources).toContain('https://communication.azure.com/');
    });

    it('email: an operation that ends Failed (EmailDropped) is a failed send', async () => {
      acs.failNextEmailOperation({ code: 'EmailDropped', message: 'dropped' });
      const service = quietly(new DeliveryService(emailDelivery, config({ CODE_DELIVERY: 'acs-email', MAIL_FROM: 'a@example.test', ACS_ENDPOINT: acs.endpoint })));
      await expect(service.send(email, notice, who)).rejects.toMatchObject({ code: 'DELIVERY_FAILED' });
    });

    it('email: an identity without the role (403) and a slow service past the deadline fail', async () => {
      acs.forbid = true;
      await expect(emailDelivery.send(email, notice, AbortSignal.timeout(5000))).rejects.toMatchObject({ statusCode: 403 });
      acs.forbid = false;
      acs.delayMs = 2000;
      const service = quietly(new DeliveryService(emailDelivery, config({ CODE_DELIVERY: 'acs-email', MAIL_FROM: 'a@example.test', ACS_ENDPOINT: acs.endpoint, DELIVERY_TIMEOUT_MS: '300' })));
      await expect(service.send(email, notice, who)).rejects.toMatchObject({ code: 'DELIVERY_FAILED', timedOut: true });
    });

    it('sms: a successful recipient result is sent; a failed one is a failure', async () => {
      await smsDelivery.send({ kind: 'phone', number: '+14255550123' }, notice, AbortSignal.timeout(5000));
      expect(acs.sms.at(-1)).toMatchObject({ from: '+18005550100', to: '+14255550123', tag: 'step-up', principalId: identity.principalId });
      acs.failSmsRecipient('+14255550199', { httpStatusCode: 400, errorMessage: 'Invalid To phone number format.' });
      await expect(smsDelivery.send({ kind: 'phone', number: '+14255550199' }, notice, AbortSignal.timeout(5000))).rejects.toThrow(/HTTP 400/);
    });

    it('readiness: the identity can get a Communication Services token', async () => {
      await expect(smsDelivery.ping(AbortSignal.timeout(5000))).resolves.toBeUndefined();
    });
  });
});
