import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type HeaderValue } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { testCertificate } from './tls.js';

/** One message the server accepted, as `mailparser` reads it. */
export interface ReceivedMail {
  /** The SMTP envelope (MAIL FROM / RCPT TO), which is what was delivered, whatever the headers say. */
  envelope: { from: string; to: string[] };
  /** The `From:` header's addresses and its display form (`"App" <no-reply@example.test>`). */
  from: { addresses: string[]; text: string };
  to: string[];
  subject: string;
  text: string;
  /** The HTML part, or undefined when the message had none. */
  html: string | undefined;
  /** Header names in lower case, values as mailparser gives them. */
  headers: Map<string, HeaderValue>;
  /** The raw RFC 5322 source, for assertions mailparser normalises away. */
  raw: string;
  /** The user name the client authenticated as, when the server requires AUTH. */
  user: string | undefined;
}

/** An SMTP error answer for the next `times` transactions, at the stage it is given. */
export interface SmtpRejection {
  stage: 'mail' | 'rcpt' | 'data';
  /** A 4xx (transient) or 5xx (permanent) SMTP reply code. */
  code: number;
  message: string;
  times: number;
}

export interface SmtpServerOptions {
  /** Require AUTH PLAIN/LOGIN with these credentials (otherwise AUTH is not offered). */
  auth?: { user: string; pass: string };
  /** Offer STARTTLS with the test certificate (trust it with trustTestCertificate() in the client). */
  starttls?: boolean;
}

/**
 * A real SMTP server (nodemailer's `smtp-server`) on a free loopback port that keeps every message it
 * accepts, parsed by `mailparser`. Faults: `stop()` closes the port (connection refused) until
 * `restart()`; `dataDelayMs` holds the answer to DATA (a slow mailbox); `rejectNext()` answers 4xx/5xx.
 */
export class SmtpTestServer {
  readonly messages: ReceivedMail[] = [];
  /** Milliseconds to wait before answering the end of DATA (after the message was read). */
  dataDelayMs = 0;
  /** Connections the server accepted, including ones that sent nothing. */
  connections = 0;
  /** Messages whose client hung up before the (delayed) answer: not kept, as never acknowledged. */
  abandoned = 0;
  private readonly closedSessions = new Set<string>();
  private rejections: SmtpRejection[] = [];
  private server?: SMTPServer;
  private listenPort = 0;
  private readonly waiters = new Set<() => void>();
  private readonly pendingTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: SmtpServerOptions = {}) {}

  get port(): number {
    return this.listenPort;
  }

  get host(): string {
    return '127.0.0.1';
  }

  /** `smtp://127.0.0.1:<port>`, the form nodemailer's createTransport accepts. */
  get url(): string {
    return `smtp://${this.host}:${this.listenPort}`;
  }

  async start(): Promise<this> {
    await this.listen(0);
    return this;
  }

  /** Closes the listening port (clients get ECONNREFUSED) and drops open sessions. Safe to call twice. */
  async stop(): Promise<void> {
    for (const timer of this.pendingTimers) clearTimeout(timer);
    this.pendingTimers.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port after stop(). */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen(this.listenPort);
  }

  /** Answers the next `times` transactions with an SMTP error at `stage`. */
  rejectNext(rejection: SmtpRejection): void {
    this.rejections.push({ ...rejection });
  }

  clearFaults(): void {
    this.rejections = [];
    this.dataDelayMs = 0;
  }

  /** Resolves with the first message (already received or still to come) that `match` accepts. */
  waitForMessage(match: (mail: ReceivedMail) => boolean = () => true, timeoutMs = 10_000): Promise<ReceivedMail> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.find(match);
        if (!found) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no matching mail within ${timeoutMs} ms (received ${this.messages.length})`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  private async listen(port: number): Promise<void> {
    const tls = this.options.starttls ? await testCertificate() : undefined;
    const server = new SMTPServer({
      logger: false,
      banner: 'smtp test server',
      authOptional: !this.options.auth,
      authMethods: ['PLAIN', 'LOGIN'],
      // Without STARTTLS nodemailer would still try it when offered; AUTH over plain TCP is allowed
      // because this is loopback only.
      allowInsecureAuth: true,
      disabledCommands: [...(this.options.auth ? [] : ['AUTH']), ...(tls ? [] : ['STARTTLS'])],
      ...(tls ? { key: tls.key, cert: tls.cert } : {}),
      closeTimeout: 200,
      onConnect: (_session, callback) => {
        this.connections++;
        callback();
      },
      onAuth: (auth, _session, callback) => {
        const expected = this.options.auth;
        if (expected && auth.username === expected.user && auth.password === expected.pass) {
          callback(null, { user: auth.username });
          return;
        }
        callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
      },
      onClose: (session) => void this.closedSessions.add(session.id),
      onMailFrom: (_address, _session, callback) => callback(this.rejectionAt('mail')),
      onRcptTo: (_address, _session, callback) => callback(this.rejectionAt('rcpt')),
      onData: (stream, session, callback) => void this.receive(stream, session, callback),
    });
    // Client sockets that drop mid-session (a test's timeout, stop()) are reported here; they are
    // the faults under test, not the server's failures, and an unhandled 'error' would end Jest.
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, this.host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.listenPort = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  private rejectionAt(stage: SmtpRejection['stage']): Error | null {
    const rejection = this.rejections[0];
    if (!rejection || rejection.stage !== stage) return null;
    if (--rejection.times <= 0) this.rejections.shift();
    return Object.assign(new Error(rejection.message), { responseCode: rejection.code });
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const rejection = this.rejectionAt('data');
    if (rejection) return callback(rejection);
    const mail = await this.parse(Buffer.concat(chunks).toString('utf8'), session);
    // Kept at the moment the 250 goes out: once a client's sendMail() resolves, its mail is here.
    const accept = () => {
      if (this.closedSessions.has(session.id)) {
        this.abandoned++;
        return;
      }
      this.messages.push(mail);
      callback(null);
      for (const waiter of this.waiters) waiter();
    };
    if (this.dataDelayMs <= 0) return accept();
    const timer = setTimeout(() => {
      this.pendingTimers.delete(timer);
      accept();
    }, this.dataDelayMs);
    this.pendingTimers.add(timer);
  }

  private async parse(raw: string, session: SMTPServerSession): Promise<ReceivedMail> {
    const parsed = await simpleParser(raw);
    const addresses = (field: AddressObject | AddressObject[] | undefined): string[] =>
      (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) => group.value.map((entry) => entry.address ?? ''));
    return {
      envelope: {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
      },
      from: { addresses: addresses(parsed.from), text: parsed.from?.text ?? '' },
      to: addresses(parsed.to),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: parsed.html === false ? undefined : parsed.html,
      headers: parsed.headers,
      raw,
      user: typeof session.user === 'string' ? session.user : undefined,
    };
  }
}

/** A started SmtpTestServer. */
export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<SmtpTestServer> {
  return new SmtpTestServer(options).start();
}
