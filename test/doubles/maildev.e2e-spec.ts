import { jest } from '@jest/globals';
import nodemailer from 'nodemailer';
import { startMailDev, type MailDevHandle } from '../support/maildev.js';

/** MailDev from npm, as the local stack runs it: real nodemailer in, its REST API out. */
describe('MailDev (npm bin, real nodemailer)', () => {
  let maildev: MailDevHandle;

  beforeAll(async () => {
    maildev = await startMailDev();
  }, 30_000);

  afterAll(async () => {
    await maildev?.stop();
  });

  const send = (to: string, subject: string) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: maildev.smtpPort, secure: false })
      .sendMail({ from: 'no-reply@example.test', to, subject, text: `text of ${subject}`, html: `<p>html of ${subject}</p>` });

  it('lists a delivered mail through GET /api/email with subject, text, html and recipients', async () => {
    await send('demo@example.test', 'Your code');
    const mail = await maildev.waitForEmail((m) => m.subject === 'Your code');
    expect(mail.to.map((a) => a.address)).toEqual(['demo@example.test']);
    expect(mail.from.map((a) => a.address)).toEqual(['no-reply@example.test']);
    expect(mail.text?.trim()).toBe('text of Your code');
    expect(mail.html).toContain('html of Your code');
    expect(mail.envelope.to.map((a) => a.address)).toEqual(['demo@example.test']);
  });

  it('DELETE /api/email/all empties the mailbox', async () => {
    await send('other@example.test', 'To be cleared');
    await maildev.waitForEmail((m) => m.subject === 'To be cleared');
    await maildev.clear();
    expect(await maildev.emails()).toEqual([]);
  });

  it('serves the web UI to a browser at its root', async () => {
    const response = await fetch(maildev.webUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/<html/i);
  });
});

describe('MailDev programmatic API (in process, Node 24)', () => {
  it('starts on OS-chosen ports, receives a mail and stops', async () => {
    const { MailDev } = await import('maildev');
    // Its API prints "MailDev API running at …" even when silent.
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    const maildev = new MailDev({ smtp: 0, web: 0, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true });
    const servers = await maildev.start();
    try {
      const smtpPort = servers.smtp.getPort();
      await nodemailer
        .createTransport({ host: '127.0.0.1', port: smtpPort, secure: false })
        .sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'in process', text: 'x' });
      const listed = await fetch(`http://127.0.0.1:${servers.api!.getAddress()!.port}/api/email`).then((r) => r.json());
      expect((listed as { subject: string }[]).map((m) => m.subject)).toEqual(['in process']);
    } finally {
      await maildev.stop();
      info.mockRestore();
    }
  });
});
