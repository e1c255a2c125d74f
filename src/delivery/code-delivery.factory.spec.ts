import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCodeDelivery } from './code-delivery.factory.js';
import { deliveryConfigSection, type DeliveryConfig } from './delivery.config.js';
import { ResponseDelivery } from './channels/response-delivery.js';
import { SmtpDelivery } from './channels/smtp-delivery.js';
import { AcsEmailDelivery } from './channels/acs-email-delivery.js';
import { AcsSmsDelivery } from './channels/acs-sms-delivery.js';
import { SystemClock } from '../common/clock.js';

const config = (env: Record<string, string>): DeliveryConfig => {
  const r = deliveryConfigSection.parse(env);
  if (!r.ok) throw new Error(r.problems.join());
  return r.value;
};
const secrets = { get: async () => 'unused', refresh: async () => 'unused' };
const acs = { ACS_ENDPOINT: 'https://acs.communication.azure.com' };

describe('createCodeDelivery (one implementation per CODE_DELIVERY value)', () => {
  it.each([
    [{}, ResponseDelivery, 'response', undefined],
    [{ CODE_DELIVERY: 'smtp', SMTP_HOST: '127.0.0.1', MAIL_FROM: 'a@b.c' }, SmtpDelivery, 'smtp', 'email'],
    [{ CODE_DELIVERY: 'acs-email', MAIL_FROM: 'a@b.c', ...acs }, AcsEmailDelivery, 'acs-email', 'email'],
    [{ CODE_DELIVERY: 'acs-sms', SMS_FROM: '+18005550100', ...acs }, AcsSmsDelivery, 'acs-sms', 'phone'],
  ] as const)('%p → %p', async (env, type, channel, reaches) => {
    const delivery = await createCodeDelivery(config(env), secrets, new SystemClock());
    expect(delivery).toBeInstanceOf(type);
    expect([delivery.channel, delivery.reaches]).toEqual([channel, reaches]);
  });

  it('imports no SDK itself: each channel’s SDK is loaded with its implementation, only when that one is chosen', () => {
    const source = readFileSync(join(import.meta.dirname, 'code-delivery.factory.ts'), 'utf8');
    const staticImports = [...source.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gm)].filter((m) => !/^import type/.test(m[0])).map((m) => m[1]);
    expect(staticImports).toEqual(['./channels/response-delivery.js']);
    expect([...source.matchAll(/await import\('([^']+)'\)/g)].map((m) => m[1])).toEqual(['./channels/smtp-delivery.js', './channels/acs-email-delivery.js', './channels/acs-sms-delivery.js']);
  });

  it('the response channel sends nothing: it says there is no second channel', async () => {
    const delivery = new ResponseDelivery();
    await expect(delivery.send({ kind: 'email', address: 'a@b.c' }, { code: '1', expiresAt: new Date() })).rejects.toMatchObject({ code: 'NO_SECOND_CHANNEL', status: 503 });
  });
});
