import { z } from 'zod';
import { defineConfigSection, envBoolean, envInt, optionalString, optionalUrl } from '../config/config-section.js';

/**
 * How a code reaches the person who asked for it. `response` hands it back in the answer (the
 * sample's public getcode): no second channel, so only an IdP's own step-up can satisfy a route
 * that requires a second factor. The others send it out of band.
 */
export const DELIVERY_CHANNELS = ['response', 'smtp', 'acs-email', 'acs-sms'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

const E164 = /^\+[1-9]\d{6,14}$/;

/** The SMTP server of CODE_DELIVERY=smtp (MailDev on 1025 in the local stack). */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  readonly secure: boolean;
  /** Refuse to send unless the connection is upgraded with STARTTLS. */
  readonly requireTls: boolean;
  /** AUTH user; its password is the secret `passwordSecretName` (never a plain variable). */
  readonly user?: string;
  readonly passwordSecretName: string;
}

export class DeliveryConfig {
  readonly channel!: DeliveryChannel;
  /** The app's name as mails and SMS show it. */
  readonly appName!: string;
  /** A send that takes longer fails (and its code is revoked): a slow mailbox never holds a request. */
  readonly timeoutMs!: number;
  /** The sender of mails (`"Name" <address>` or an address); ACS uses its address part. */
  readonly mailFrom?: string;
  readonly smtp?: SmtpSettings;
  /** The Communication Services resource (`https://<name>.communication.azure.com`), reached with the shared Azure credential. */
  readonly acsEndpoint?: string;
  /** How often the ACS Email poller asks whether the send finished. */
  readonly acsEmailPollIntervalMs!: number;
  /** The number SMS are sent from (E.164). */
  readonly smsFrom?: string;
}

export const deliveryConfigSection = defineConfigSection(
  'delivery',
  DeliveryConfig,
  z
    .object({
      CODE_DELIVERY: z.enum(DELIVERY_CHANNELS, { error: `must be one of ${DELIVERY_CHANNELS.join(', ')}` }).default('response'),
      DELIVERY_APP_NAME: z.string().min(1).max(80).default('Integrated auth service'),
      DELIVERY_TIMEOUT_MS: envInt(10_000, 100, 120_000),
      MAIL_FROM: optionalString(),
      SMTP_HOST: optionalString(),
      SMTP_PORT: envInt(587, 1, 65535),
      SMTP_SECURE: envBoolean(false),
      SMTP_REQUIRE_TLS: envBoolean(false),
      SMTP_USER: optionalString(),
      SMTP_PASSWORD_SECRET_NAME: z.string().min(1).default('smtp-password'),
      ACS_ENDPOINT: optionalUrl(),
      ACS_EMAIL_POLL_INTERVAL_MS: envInt(1000, 1, 60_000),
      SMS_FROM: optionalString(),
    })
    .superRefine((v, ctx) => {
      const need = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
      const channel = v.CODE_DELIVERY;
      if (channel === 'smtp' && !v.SMTP_HOST) need('SMTP_HOST', 'is required when CODE_DELIVERY=smtp');
      if ((channel === 'smtp' || channel === 'acs-email') && !v.MAIL_FROM) need('MAIL_FROM', `is required when CODE_DELIVERY=${channel}`);
      if (v.MAIL_FROM && !senderAddress(v.MAIL_FROM)) need('MAIL_FROM', 'must be an address or "Name" <address>');
      if (channel.startsWith('acs-') && !v.ACS_ENDPOINT) need('ACS_ENDPOINT', `is required when CODE_DELIVERY=${channel}`);
      if (v.ACS_ENDPOINT && !v.ACS_ENDPOINT.startsWith('https://')) need('ACS_ENDPOINT', 'must be https (the service takes only TLS)');
      if (channel === 'acs-sms' && !v.SMS_FROM) need('SMS_FROM', 'is required when CODE_DELIVERY=acs-sms');
      if (v.SMS_FROM && !E164.test(v.SMS_FROM)) need('SMS_FROM', 'must be an E.164 number such as +18005550100');
    }),
  (v) => ({
    channel: v.CODE_DELIVERY,
    appName: v.DELIVERY_APP_NAME,
    timeoutMs: v.DELIVERY_TIMEOUT_MS,
    mailFrom: v.MAIL_FROM,
    smtp: v.SMTP_HOST
      ? { host: v.SMTP_HOST, port: v.SMTP_PORT, secure: v.SMTP_SECURE, requireTls: v.SMTP_REQUIRE_TLS, user: v.SMTP_USER, passwordSecretName: v.SMTP_PASSWORD_SECRET_NAME }
      : undefined,
    acsEndpoint: v.ACS_ENDPOINT?.replace(/\/+$/, ''),
    acsEmailPollIntervalMs: v.ACS_EMAIL_POLL_INTERVAL_MS,
    smsFrom: v.SMS_FROM,
  }),
);

/** The address part of MAIL_FROM (`"App" <no-reply@example.test>` → `no-reply@example.test`), or undefined when there is none. */
export function senderAddress(mailFrom: string): string | undefined {
  const address = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(mailFrom)?.[1] ?? (/^[^<>\s"]+@[^<>\s"]+$/.test(mailFrom.trim()) ? mailFrom.trim() : undefined);
  return address;
}
