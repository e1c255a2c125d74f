import nodemailer from 'nodemailer';
import { startSmtpServer, type SmtpTestServer } from '../support/smtp.js';
import { trustTestCertificate } from '../support/tls.js';

/** The in-process SMTP server driven by the real nodemailer client, faults included. */
describe('SMTP test server (real nodemailer)', () => {
  let smtp: SmtpTestServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });

  afterEach(() => {
    smtp.clearFaults();
    smtp.messages.length = 0;
  });

  afterAll(async () => {
    await smtp.stop();
  });

  const transport = (extra: Record<string, unknown> = {}) =>
    nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ...extra });

  const mail = {
    from: '"Integrated Auth" <no-reply@example.test>',
    to: 'demo@example.test',
    subject: 'Your code',
    text: 'Your code is 123456. It expires in 10 minutes.',
    html: '<p>Your code is <b>123456</b>.</p>',
    headers: { 'X-Audit-Id': 'audit-1' },
  };

  it('keeps the delivered message as mailparser reads it: envelope, from, to, subject, text, html, headers', async () => {
    const info = await transport().sendMail(mail);
    expect(info.accepted).toEqual(['demo@example.test']);
    expect(smtp.messages).toHaveLength(1);
    const received = smtp.messages[0]!;
    expect(received.envelope).toEqual({ from: 'no-reply@example.test', to: ['demo@example.test'] });
    expect(received.from.addresses).toEqual(['no-reply@example.test']);
    expect(received.from.text).toContain('Integrated Auth');
    expect(received.to).toEqual(['demo@example.test']);
    expect(received.subject).toBe('Your code');
    expect(received.text.trim()).toBe(mail.text);
    expect(received.html).toContain('<b>123456</b>');
    expect(received.headers.get('x-audit-id')).toBe('audit-1');
    expect(received.raw).toMatch(/^Content-Type: multipart\/alternative/m);
  });

  it('waitForMessage resolves for a mail that arrives later and rejects when none comes', async () => {
    const waiting = smtp.waitForMessage((m) => m.to.includes('later@example.test'));
    await transport().sendMail({ ...mail, to: 'later@example.test' });
    await expect(waiting).resolves.toMatchObject({ subject: 'Your code' });
    await expect(smtp.waitForMessage((m) => m.to.includes('nobody@example.test'), 200)).rejects.toThrow(/no matching mail/);
  });

  it('rejects with the configured SMTP code at RCPT and DATA, keeps nothing, then recovers', async () => {
    smtp.rejectNext({ stage: 'rcpt', code: 550, message: 'No such user', times: 1 });
    const permanent = await transport().sendMail(mail).catch((e: unknown) => e as { responseCode?: number; code?: string });
    expect(permanent).toMatchObject({ responseCode: 550, code: 'EENVELOPE' });

    smtp.rejectNext({ stage: 'data', code: 451, message: 'Try again later', times: 1 });
    const transient = await transport().sendMail(mail).catch((e: unknown) => e as { responseCode?: number; code?: string });
    expect(transient).toMatchObject({ responseCode: 451, code: 'EMESSAGE' });
    expect(smtp.messages).toHaveLength(0);

    await transport().sendMail(mail);
    expect(smtp.messages).toHaveLength(1);
  });

  it('a slow DATA answer trips the client timeout, and the abandoned mail is not kept', async () => {
    smtp.dataDelayMs = 1_500;
    const error = await transport({ socketTimeout: 300 }).sendMail(mail).catch((e: unknown) => e as { code?: string });
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    expect(smtp.messages).toHaveLength(0);
    expect(smtp.abandoned).toBeGreaterThanOrEqual(1);
  });

  it('a slow DATA answer within the client timeout still delivers', async () => {
    smtp.dataDelayMs = 200;
    await transport({ socketTimeout: 5_000 }).sendMail(mail);
    expect(smtp.messages).toHaveLength(1);
  });

  it('stop() refuses connections (ECONNREFUSED) and restart() serves the same port again', async () => {
    const port = smtp.port;
    await smtp.stop();
    // nodemailer's errors come from Node's realm, not Jest's, so no toBeInstanceOf(Error) here.
    const error = await transport().sendMail(mail).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(`${error?.code} ${error?.message}`).toMatch(/ECONNREFUSED/);
    await smtp.restart();
    expect(smtp.port).toBe(port);
    await transport().sendMail(mail);
    expect(smtp.messages).toHaveLength(1);
  });
});

describe('SMTP test server with AUTH and STARTTLS (real nodemailer)', () => {
  let smtp: SmtpTestServer;

  beforeAll(async () => {
    await trustTestCertificate();
    smtp = await startSmtpServer({ auth: { user: 'mailer', pass: 'mail-pass' }, starttls: true });
  });

  afterAll(async () => {
    await smtp.stop();
  });

  const send = (pass: string) =>
    nodemailer
      .createTransport({ host: smtp.host, port: smtp.port, secure: false, requireTLS: true, auth: { user: 'mailer', pass } })
      .sendMail({ from: 'no-reply@example.test', to: 'demo@example.test', subject: 's', text: 't' });

  it('refuses wrong credentials with 535 and accepts the right ones over STARTTLS', async () => {
    await expect(send('wrong')).rejects.toMatchObject({ code: 'EAUTH', responseCode: 535 });
    await send('mail-pass');
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.user).toBe('mailer');
  });
});
