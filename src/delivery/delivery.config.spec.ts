import { deliveryConfigSection, senderAddress } from './delivery.config.js';

describe('delivery config (CODE_DELIVERY and its channel’s variables)', () => {
  it('defaults to response: no second channel, nothing else needed', () => {
    const r = deliveryConfigSection.parse({});
    expect(r.ok && r.value).toMatchObject({ channel: 'response', appName: 'Integrated auth service', timeoutMs: 10_000, acsEmailPollIntervalMs: 1000 });
  });

  it('smtp needs SMTP_HOST and MAIL_FROM; the password is a secret name, never a value', () => {
    const r = deliveryConfigSection.parse({ CODE_DELIVERY: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: '1025', MAIL_FROM: '"App" <no-reply@example.test>', SMTP_USER: 'mailer' });
    expect(r.ok && r.value.smtp).toEqual({ host: '127.0.0.1', port: 1025, secure: false, requireTls: false, user: 'mailer', passwordSecretName: 'smtp-password' });
    const bad = deliveryConfigSection.parse({ CODE_DELIVERY: 'smtp' });
    expect(!bad.ok && bad.problems).toEqual(['SMTP_HOST: is required when CODE_DELIVERY=smtp', 'MAIL_FROM: is required when CODE_DELIVERY=smtp']);
  });

  it('acs-email and acs-sms need an https ACS_ENDPOINT, MAIL_FROM or an E.164 SMS_FROM', () => {
    expect(deliveryConfigSection.parse({ CODE_DELIVERY: 'acs-email', ACS_ENDPOINT: 'https://acs.communication.azure.com/', MAIL_FROM: 'DoNotReply@example.test' })).toMatchObject({
      ok: true,
      value: { channel: 'acs-email', acsEndpoint: 'https://acs.communication.azure.com' },
    });
    const sms = deliveryConfigSection.parse({ CODE_DELIVERY: 'acs-sms', ACS_ENDPOINT: 'http://acs.example', SMS_FROM: '0800 555' });
    expect(!sms.ok && sms.problems).toEqual(['ACS_ENDPOINT: must be https (the service takes only TLS)', 'SMS_FROM: must be an E.164 number such as +18005550100']);
    const email = deliveryConfigSection.parse({ CODE_DELIVERY: 'acs-email' });
    expect(!email.ok && email.problems).toEqual(['MAIL_FROM: is required when CODE_DELIVERY=acs-email', 'ACS_ENDPOINT: is required when CODE_DELIVERY=acs-email']);
  });

  it('refuses an unknown channel and a bad timeout, naming the variable', () => {
    const r = deliveryConfigSection.parse({ CODE_DELIVERY: 'carrier-pigeon', DELIVERY_TIMEOUT_MS: '5' });
    expect(!r.ok && r.problems.join('\n')).toMatch(/CODE_DELIVERY: must be one of response, smtp, acs-email, acs-sms[\s\S]*DELIVERY_TIMEOUT_MS: must be an integer from 100 to 120000/);
  });

  it.each([
    ['no-reply@example.test', 'no-reply@example.test'],
    ['"Integrated auth" <no-reply@example.test>', 'no-reply@example.test'],
    ['App <a@b.c>', 'a@b.c'],
    ['not an address', undefined],
    ['<>', undefined],
  ])('senderAddress(%p) = %p', (from, address) => {
    expect(senderAddress(from)).toBe(address);
  });
});
