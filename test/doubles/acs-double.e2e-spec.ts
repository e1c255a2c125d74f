import { EmailClient, type EmailMessage } from '@azure/communication-email';
import { SmsClient } from '@azure/communication-sms';
import { DefaultAzureCredential } from '@azure/identity';
import { AcsDouble } from '../support/acs-double.js';
import { ManagedIdentityDouble } from '../support/managed-identity-double.js';

type RestFailure = { statusCode?: number; code?: string; message: string; name: string };
const failure = (promise: Promise<unknown>): Promise<RestFailure> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as RestFailure,
  );

/**
 * The real EmailClient and SmsClient, authenticated by the real DefaultAzureCredential through the
 * App Service managed-identity double, against the ACS protocol double.
 */
describe('ACS Email and SMS double (real SDKs, DefaultAzureCredential)', () => {
  let identity: ManagedIdentityDouble;
  let acs: AcsDouble;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    identity = await new ManagedIdentityDouble().start();
    acs = await new AcsDouble({ identity }).start();
    Object.assign(process.env, acs.credentialEnv());
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

  // No retries unless a test wants them: a fault then surfaces at once.
  const emailClient = (maxRetries = 0) => new EmailClient(acs.endpoint, new DefaultAzureCredential(), { retryOptions: { maxRetries, retryDelayInMs: 10 } });
  const smsClient = (maxRetries = 0) => new SmsClient(acs.endpoint, new DefaultAzureCredential(), { retryOptions: { maxRetries, retryDelayInMs: 10 } });
  const message: EmailMessage = {
    senderAddress: 'DoNotReply@example.test',
    content: { subject: 'Your sign-in code', plainText: 'Your code is 482913.', html: '<p>Your code is <b>482913</b>.</p>' },
    recipients: { to: [{ address: 'demo@example.test', displayName: 'Demo' }] },
  };
  const send = (client: EmailClient, options: Parameters<EmailClient['beginSend']>[1] = {}) =>
    client.beginSend(message, { updateIntervalInMs: 10, ...options }).then((poller) => poller.pollUntilDone());

  describe('Email', () => {
    it('beginSend → 202 + Operation-Location, polls to Succeeded, and records what the SDK sent with whose token', async () => {
      acs.runningPolls = 2;
      const pollsBefore = acs.statusPolls;
      const result = await send(emailClient());
      expect(result.status).toBe('Succeeded');
      expect(acs.statusPolls - pollsBefore).toBe(3);
      const sent = acs.emails.at(-1)!;
      expect(sent).toMatchObject({
        operationId: result.id,
        apiVersion: '2025-09-01',
        senderAddress: 'DoNotReply@example.test',
        to: [{ address: 'demo@example.test', displayName: 'Demo' }],
        subject: 'Your sign-in code',
        plainText: 'Your code is 482913.',
        html: '<p>Your code is <b>482913</b>.</p>',
      });
      // A token a managed-identity double issued for ACS's resource, which is the only kind it takes.
      expect(sent.principalId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('ends Failed with the service error when the operation fails (EmailDropped)', async () => {
      acs.failNextEmailOperation({ code: 'EmailDropped', message: 'Email was dropped after several attempts to deliver.' });
      const error = await failure(send(emailClient()));
      expect(error.message).toMatch(/has failed\. EmailDropped\. Email was dropped/);
    });

    it('refuses a sender domain the resource has not linked: 404 DomainNotLinked', async () => {
      const error = await failure(
        emailClient()
          .beginSend({ ...message, senderAddress: 'someone@not-linked.test' })
          .then((p) => p.pollUntilDone()),
      );
      expect(error).toMatchObject({ statusCode: 404, code: 'DomainNotLinked' });
    });

    it('5xx surfaces as a RestError; a 429 with Retry-After is retried by the SDK', async () => {
      acs.failNext({ status: 503, times: 1, service: 'email' });
      expect(await failure(send(emailClient()))).toMatchObject({ statusCode: 503, code: 'ServiceUnavailable' });

      acs.failNext({ status: 429, times: 1, retryAfterSeconds: 0, service: 'email' });
      await expect(send(emailClient(2))).resolves.toMatchObject({ status: 'Succeeded' });
    });

    it('403 Denied when the identity lacks the role', async () => {
      acs.forbid = true;
      expect(await failure(send(emailClient()))).toMatchObject({ statusCode: 403, code: 'Denied' });
    });

    it('slow: a client deadline shorter than the delay aborts the send', async () => {
      acs.delayMs = 1_000;
      const error = await failure(send(emailClient(), { abortSignal: AbortSignal.timeout(200) }));
      expect(error.name).toBe('AbortError');
    });

    it('down: connection refused until restart(), on the same endpoint', async () => {
      const endpoint = acs.endpoint;
      await acs.down();
      const error = await failure(send(emailClient()));
      expect(`${error.code} ${error.message}`).toMatch(/ECONNREFUSED/);
      await acs.restart();
      expect(acs.endpoint).toBe(endpoint);
      await expect(send(emailClient())).resolves.toMatchObject({ status: 'Succeeded' });
    });
  });

  describe('SMS', () => {
    it('sends with one result per recipient: a malformed number fails inside the 202, the others get message ids', async () => {
      const results = await smsClient().send(
        { from: '+18005550100', to: ['+14255550123', '12345'], message: 'Your code is 482913' },
        { enableDeliveryReport: true, tag: 'step-up' },
      );
      expect(results).toEqual([
        expect.objectContaining({ to: '+14255550123', successful: true, httpStatusCode: 202, messageId: expect.stringMatching(/^Outgoing_/) }),
        expect.objectContaining({ to: '12345', successful: false, httpStatusCode: 400, errorMessage: 'Invalid To phone number format.' }),
      ]);
      expect(acs.sms.at(-1)).toMatchObject({
        apiVersion: '2021-03-07',
        from: '+18005550100',
        to: '+14255550123',
        message: 'Your code is 482913',
        enableDeliveryReport: true,
        tag: 'step-up',
      });
    });

    it('a scripted recipient failure comes back as that recipient\'s result', async () => {
      acs.failSmsRecipient('+14255550199', { httpStatusCode: 503, errorMessage: 'ServiceUnavailable' });
      const [result] = await smsClient().send({ from: '+18005550100', to: ['+14255550199'], message: 'x' });
      expect(result).toMatchObject({ successful: false, httpStatusCode: 503, errorMessage: 'ServiceUnavailable' });
    });

    it('a request-level 500 surfaces as a RestError', async () => {
      acs.failNext({ status: 500, times: 1, service: 'sms' });
      const error = await failure(smsClient().send({ from: '+18005550100', to: ['+14255550123'], message: 'x' }));
      expect(error).toMatchObject({ statusCode: 500 });
    });
  });

  describe('authentication', () => {
    const post = (authorization?: string) =>
      fetch(`${acs.endpoint}/emails:send?api-version=2025-09-01`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(message),
      });

    it('answers 401 without a token, and with a managed-identity token for another resource (Key Vault)', async () => {
      expect((await post()).status).toBe(401);
      expect((await post(`Bearer ${await identity.requestToken('https://vault.azure.net')}`)).status).toBe(401);
      expect((await post('Bearer not-a-token')).status).toBe(401);
    });

    it('accepts a token for https://communication.azure.com, with or without the trailing slash', async () => {
      expect((await post(`Bearer ${await identity.requestToken('https://communication.azure.com/')}`)).status).toBe(202);
      expect((await post(`Bearer ${await identity.requestToken('https://communication.azure.com')}`)).status).toBe(202);
    });
  });
});
