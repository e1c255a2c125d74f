import nodemailer from 'nodemailer';
import { Clock } from '../common/clock.js';
import { CodeDelivery, type CodeNotice } from './code-delivery.js';
import { codeMail } from './code-message.js';
import type { DeliveryConfig, SmtpSettings } from './delivery.config.js';
import type { Destination } from './destination.js';
import { untilAborted } from './until-aborted.js';

/** The SMTP password, read from the secret store when the server wants AUTH. */
export type SmtpPassword = () => Promise<string>;

/**
 * CODE_DELIVERY=smtp: nodemailer to any SMTP server (MailDev locally). One connection per send: a
 * code is a rare, small message, and a fresh connection never inherits a half-dead one. Every
 * socket wait is bounded by DELIVERY_TIMEOUT_MS, as is the whole send.
 */
export class SmtpDelivery extends CodeDelivery {
  readonly channel = 'smtp' as const;
  readonly reaches = 'email' as const;
  private readonly smtp: SmtpSettings;

  constructor(
    private readonly config: Pick<DeliveryConfig, 'appName' | 'mailFrom' | 'timeoutMs'> & { smtp?: SmtpSettings },
    private readonly password: SmtpPassword,
    private readonly clock: Clock,
  ) {
    super();
    if (!config.smtp) throw new Error('CODE_DELIVERY=smtp needs SMTP_HOST');
    this.smtp = config.smtp;
  }

  async send(to: Destination, notice: CodeNotice, signal: AbortSignal): Promise<void> {
    if (to.kind !== 'email') throw new Error('SMTP sends to e-mail addresses only');
    const transport = await this.transport();
    const mail = codeMail(this.config.appName, notice, this.clock.date());
    try {
      await untilAborted(transport.sendMail({ from: this.config.mailFrom, to: to.address, ...mail }), signal);
    } finally {
      transport.close();
    }
  }

  async ping(signal: AbortSignal): Promise<void> {
    const transport = await this.transport();
    try {
      await untilAborted(transport.verify(), signal);
    } finally {
      transport.close();
    }
  }

  private async transport() {
    const { host, port, secure, requireTls, user } = this.smtp;
    const timeout = this.config.timeoutMs;
    return nodemailer.createTransport({
      host,
      port,
      secure,
      requireTLS: requireTls,
      ...(user ? { auth: { user, pass: await this.password() } } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }
}
