import type { OnApplicationShutdown } from '@nestjs/common';
import nodemailer from 'nodemailer';
import { Clock } from '../../common/clock.js';
import type { SecretsService } from '../../secrets/secrets.service.js';
import { CodeDelivery, type CodeNotice } from '../code-delivery.js';
import { codeMail } from '../code-message.js';
import type { DeliveryConfig, SmtpSettings } from '../delivery.config.js';
import type { Destination } from '../destination.js';
import { untilAborted } from './until-aborted.js';

type Transport = ReturnType<typeof nodemailer.createTransport>;

/** Connections kept open to the server, and messages sent over one before it is replaced. */
const POOL = { maxConnections: 4, maxMessages: 100 };

/**
 * CODE_DELIVERY=smtp: nodemailer to any SMTP server (MailDev locally), over a small pool of kept
 * connections: an SMTP server greets a new connection only after a pause (smtp-server and MailDev
 * wait 100 ms to catch early talkers; Postfix may too), which a pooled send does not pay again.
 * A connection-level failure (refused, timed out, login refused) drops the pool, so the next send
 * starts on fresh connections; a refused login also re-reads the password from the secret store (it
 * may have been rotated). A refused recipient or message leaves the pool alone. Every socket wait is
 * bounded by DELIVERY_TIMEOUT_MS, as is the whole send.
 */
export class SmtpDelivery extends CodeDelivery implements OnApplicationShutdown {
  readonly channel = 'smtp' as const;
  readonly reaches = 'email' as const;
  private readonly smtp: SmtpSettings;
  private pool?: Promise<{ transport: Transport; password?: string }>;

  constructor(
    private readonly config: Pick<DeliveryConfig, 'appName' | 'mailFrom' | 'timeoutMs'> & { smtp?: SmtpSettings },
    private readonly secrets: Pick<SecretsService, 'get' | 'refresh'>,
    private readonly clock: Clock,
  ) {
    super();
    if (!config.smtp) throw new Error('CODE_DELIVERY=smtp needs SMTP_HOST');
    this.smtp = config.smtp;
  }

  async send(to: Destination, notice: CodeNotice, signal: AbortSignal): Promise<void> {
    if (to.kind !== 'email') throw new Error('SMTP sends to e-mail addresses only');
    const mail = codeMail(this.config.appName, notice, this.clock.date());
    await this.withPool((transport) => transport.sendMail({ from: this.config.mailFrom, to: to.address, ...mail }), signal);
  }

  async ping(signal: AbortSignal): Promise<void> {
    await this.withPool((transport) => transport.verify(), signal);
  }

  onApplicationShutdown(): void {
    void this.drop();
  }

  private async withPool<T>(work: (transport: Transport) => Promise<T>, signal: AbortSignal): Promise<T> {
    const pool = (this.pool ??= this.open());
    try {
      const { transport } = await untilAborted(pool, signal);
      return await untilAborted(work(transport), signal);
    } catch (error) {
      const { password } = await pool.catch(() => ({ password: undefined }));
      // The server refused this message or recipient: the connections are fine, keep them.
      const messageLevel = ['EENVELOPE', 'EMESSAGE'].includes((error as { code?: string }).code ?? '');
      if (!messageLevel && this.pool === pool) await this.drop();
      if ((error as { code?: string }).code === 'EAUTH' && password !== undefined) {
        await this.secrets.refresh(this.smtp.passwordSecretName, password).catch(() => undefined);
      }
      throw error;
    }
  }

  private async open(): Promise<{ transport: Transport; password?: string }> {
    const password = this.smtp.user ? await this.secrets.get(this.smtp.passwordSecretName) : undefined;
    const transport = nodemailer.createTransport({ pool: true, ...POOL, ...smtpTransportOptions(this.smtp, password, this.config.timeoutMs) });
    return { transport, password };
  }

  private async drop(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    const opened = await pool?.catch(() => undefined);
    opened?.transport.close();
  }
}

/** How nodemailer reaches the server (the sends' pool and the doctor's one-off check alike): every socket wait bounded by `timeoutMs`. */
export function smtpTransportOptions(smtp: SmtpSettings, password: string | undefined, timeoutMs: number) {
  const { host, port, secure, requireTls, user } = smtp;
  return {
    host,
    port,
    secure,
    requireTLS: requireTls,
    ...(user ? { auth: { user, pass: password! } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** A one-off connection with the sends' settings: greeting, STARTTLS or TLS as configured, and AUTH when SMTP_USER is set. Sends nothing. */
export async function verifySmtp(smtp: SmtpSettings, password: string | undefined, timeoutMs: number): Promise<void> {
  const transport = nodemailer.createTransport(smtpTransportOptions(smtp, password, timeoutMs));
  try {
    await transport.verify();
  } finally {
    transport.close();
  }
}
