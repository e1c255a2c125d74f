import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { trustTestCertificate } from './tls.js';
import { ManagedIdentityDouble, type IssuedIdentityToken } from './managed-identity-double.js';

/** The resource ACS's SDKs ask a TokenCredential for (scope `https://communication.azure.com//.default`). */
export const ACS_RESOURCE = 'https://communication.azure.com';

export interface AcsEmailAddress {
  address: string;
  displayName?: string;
}

/** One `POST /emails:send` the double accepted, as the SDK sent it. */
export interface AcsSentEmail {
  operationId: string;
  apiVersion: string;
  senderAddress: string;
  to: AcsEmailAddress[];
  cc: AcsEmailAddress[];
  bcc: AcsEmailAddress[];
  replyTo: AcsEmailAddress[];
  subject: string;
  plainText?: string;
  html?: string;
  headers: Record<string, string>;
  /** The managed identity whose token authorised the send. */
  principalId: string;
}

/** One recipient of a `POST /sms` that the double accepted. */
export interface AcsSentSms {
  messageId: string;
  apiVersion: string;
  from: string;
  to: string;
  message: string;
  enableDeliveryReport: boolean;
  tag?: string;
  principalId: string;
}

/** A request-level error answer (ACS's `{ error: { code, message } }` with `x-ms-error-code`). */
export interface AcsFault {
  status: number;
  times: number;
  /** Which API it hits; both by default. */
  service?: 'email' | 'sms';
  code?: string;
  message?: string;
  retryAfterSeconds?: number;
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * An HTTPS protocol double of Azure Communication Services, Email (api-version 2025-09-01, what
 * @azure/communication-email 1.1 sends) and SMS (2021-03-07, @azure/communication-sms 1.1), for the
 * real EmailClient/SmsClient with DefaultAzureCredential:
 * - every request needs a Bearer token a ManagedIdentityDouble issued for `https://communication.azure.com`
 *   (401 otherwise; `forbid` gives the 403 of an identity without the role);
 * - `POST /emails:send` answers 202 with `Operation-Location`, and `GET /emails/operations/{id}`
 *   answers `Running` for `runningPolls` polls, then `Succeeded` (or `Failed` with the error
 *   failNextEmailOperation() set);
 * - `POST /sms` answers 202 with one result per recipient (a malformed number gets its own 400 inside
 *   the 202, as the service does; failSmsRecipient() scripts others);
 * - faults: failNext() (429/5xx…), `delayMs` (slow), stop()/restart() (down).
 * Shapes follow the service's REST specification and its examples.
 */
export class AcsDouble {
  readonly emails: AcsSentEmail[] = [];
  readonly sms: AcsSentSms[] = [];
  /** Domains the resource may send from (linked or Azure-managed); others get 404 DomainNotLinked. */
  readonly senderDomains = new Set<string>(['example.test']);
  /** Polls of an email operation answered `Running` before its terminal status. */
  runningPolls = 0;
  /** Sent as `Retry-After` on 202 and `Running` answers when set (the SDK then waits that long). */
  retryAfterSeconds?: number;
  /** Milliseconds before every answer (a slow service). */
  delayMs = 0;
  /** When true, valid tokens get 403: the identity lacks the Communication Services role. */
  forbid = false;
  /** Requests refused for a missing or wrong token. */
  unauthorized = 0;
  /** `GET /emails/operations/{id}` answered (the SDK's polls). */
  statusPolls = 0;
  readonly identity: ManagedIdentityDouble;
  private readonly ownsIdentity: boolean;
  private faults: AcsFault[] = [];
  private operationFailures: { code: string; message: string }[] = [];
  private readonly operations = new Map<string, { polls: number; failure?: { code: string; message: string } }>();
  private readonly smsRecipientFailures = new Map<string, { httpStatusCode: number; errorMessage: string }>();
  private readonly smsRepeatability = new Map<string, string>();
  private server?: Server;
  private port = 0;

  constructor(options: { identity?: ManagedIdentityDouble } = {}) {
    this.ownsIdentity = !options.identity;
    this.identity = options.identity ?? new ManagedIdentityDouble();
  }

  /** The resource endpoint (`https://<resource>.communication.azure.com` in Azure). */
  get endpoint(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (this.ownsIdentity) await this.identity.start();
    await this.listen(0);
    return this;
  }

  /** Closes the port (the service is down: connection refused) until restart(). */
  async stop(): Promise<void> {
    await this.close();
    if (this.ownsIdentity) await this.identity.stop();
  }

  /** Takes the service down (connection refused) and keeps the identity endpoint up. */
  async down(): Promise<void> {
    await this.close();
  }

  /** Serves again on the same port after down(). */
  async restart(): Promise<void> {
    await this.close();
    await this.listen(this.port);
  }

  /** DefaultAzureCredential's environment in this process (the paired identity's). */
  credentialEnv(): Record<string, string> {
    return this.identity.credentialEnv();
  }

  failNext(fault: AcsFault): void {
    this.faults.push({ ...fault });
  }

  /** The next email operation ends `Failed` with this error (e.g. EmailDropped). */
  failNextEmailOperation(error: { code: string; message: string }): void {
    this.operationFailures.push(error);
  }

  /** Every SMS to `phoneNumber` gets this per-recipient result. */
  failSmsRecipient(phoneNumber: string, result: { httpStatusCode: number; errorMessage: string }): void {
    this.smsRecipientFailures.set(phoneNumber, result);
  }

  clearFaults(): void {
    this.faults = [];
    this.operationFailures = [];
    this.smsRecipientFailures.clear();
    this.delayMs = 0;
    this.forbid = false;
  }

  private async listen(port: number): Promise<void> {
    const tls = await trustTestCertificate();
    const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => void this.handle(req, res));
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server?.listening) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (res.destroyed) return;
    }
    const url = new URL(req.url ?? '/', this.endpoint);
    const route = routeOf(req.method ?? 'GET', url.pathname);
    if (!route) return error(res, 404, 'NotFound', 'The requested resource was not found.');

    const token = ManagedIdentityDouble.tokenFor(req.headers.authorization, ACS_RESOURCE);
    if (!token) {
      this.unauthorized++;
      res.setHeader('WWW-Authenticate', 'Bearer');
      return error(res, 401, 'Unauthorized', 'The request is missing a valid Bearer token for https://communication.azure.com.');
    }
    if (this.forbid) return error(res, 403, 'Denied', 'Denied by the resource provider.');
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion) return error(res, 400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");

    const fault = this.faults.find((f) => !f.service || f.service === route.service);
    if (fault) {
      if (--fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      if (fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      return error(res, fault.status, fault.code ?? defaultCode(fault.status), fault.message ?? 'double fault');
    }

    let body: unknown;
    if (req.method === 'POST') {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return error(res, 400, 'BadRequest', 'The request body is not valid JSON.');
      }
    }
    switch (route.kind) {
      case 'email-send':
        return this.sendEmail(req, res, body, apiVersion, token);
      case 'email-status':
        return this.emailStatus(res, route.id);
      case 'sms-send':
        return this.sendSms(res, body, apiVersion, token);
    }
  }

  private sendEmail(req: IncomingMessage, res: ServerResponse, body: unknown, apiVersion: string, token: IssuedIdentityToken): void {
    const message = body as Partial<{
      senderAddress: string;
      content: { subject?: string; plainText?: string; html?: string };
      recipients: { to?: AcsEmailAddress[]; cc?: AcsEmailAddress[]; bcc?: AcsEmailAddress[] };
      replyTo: AcsEmailAddress[];
      headers: Record<string, string>;
    }>;
    const to = message.recipients?.to ?? [];
    const all = [...to, ...(message.recipients?.cc ?? []), ...(message.recipients?.bcc ?? [])];
    if (!message.senderAddress || !message.content?.subject || all.length === 0) {
      return error(res, 400, 'BadRequest', 'senderAddress, content.subject and at least one recipient are required.');
    }
    if (!message.content.plainText && !message.content.html) return error(res, 400, 'BadRequest', 'The email needs plainText or html content.');
    if (all.some((r) => !/^[^@\s]+@[^@\s]+$/.test(r.address))) return error(res, 400, 'InvalidRecipientAddress', 'A recipient address is not valid.');
    const domain = message.senderAddress.split('@')[1] ?? '';
    if (!this.senderDomains.has(domain)) return error(res, 404, 'DomainNotLinked', 'The specified sender domain has not been linked.');

    // The client may name the operation (Operation-Id header); otherwise the service picks one.
    const operationId = String(req.headers['operation-id'] ?? randomUUID());
    this.operations.set(operationId, { polls: 0, failure: this.operationFailures.shift() });
    this.emails.push({
      operationId,
      apiVersion,
      senderAddress: message.senderAddress,
      to,
      cc: message.recipients?.cc ?? [],
      bcc: message.recipients?.bcc ?? [],
      replyTo: message.replyTo ?? [],
      subject: message.content.subject,
      plainText: message.content.plainText,
      html: message.content.html,
      headers: message.headers ?? {},
      principalId: token.principalId,
    });
    res.setHeader('Operation-Location', `${this.endpoint}/emails/operations/${operationId}?api-version=${apiVersion}`);
    if (this.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(this.retryAfterSeconds));
    json(res, 202, { id: operationId, status: 'Running' });
  }

  private emailStatus(res: ServerResponse, operationId: string): void {
    const operation = this.operations.get(operationId);
    if (!operation) return error(res, 404, 'NotFound', `Operation ${operationId} was not found.`);
    this.statusPolls++;
    if (operation.polls++ < this.runningPolls) {
      if (this.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(this.retryAfterSeconds));
      return json(res, 200, { id: operationId, status: 'Running' });
    }
    if (operation.failure) return json(res, 200, { id: operationId, status: 'Failed', error: operation.failure });
    json(res, 200, { id: operationId, status: 'Succeeded' });
  }

  private sendSms(res: ServerResponse, body: unknown, apiVersion: string, token: IssuedIdentityToken): void {
    const request = body as Partial<{
      from: string;
      message: string;
      smsRecipients: { to: string; repeatabilityRequestId?: string }[];
      smsSendOptions: { enableDeliveryReport?: boolean; tag?: string };
    }>;
    const recipients = request.smsRecipients ?? [];
    if (!request.from || typeof request.message !== 'string' || recipients.length === 0 || recipients.length > 100) {
      return error(res, 400, 'BadRequest', 'from, message and 1 to 100 smsRecipients are required.');
    }
    if (request.message.length > 2048) return error(res, 400, 'BadRequest', 'The message is longer than 2048 characters.');
    if (!E164.test(request.from)) return error(res, 400, 'BadRequest', 'Invalid From phone number format.');
    const value = recipients.map((recipient) => {
      const repeated = recipient.repeatabilityRequestId ? this.smsRepeatability.get(recipient.repeatabilityRequestId) : undefined;
      if (repeated) return { to: recipient.to, messageId: repeated, httpStatusCode: 202, repeatabilityResult: 'accepted', successful: true };
      if (!E164.test(recipient.to)) return { to: recipient.to, httpStatusCode: 400, errorMessage: 'Invalid To phone number format.', successful: false };
      const failure = this.smsRecipientFailures.get(recipient.to);
      if (failure) return { to: recipient.to, ...failure, successful: false };
      const messageId = `Outgoing_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${randomUUID()}_noam`;
      if (recipient.repeatabilityRequestId) this.smsRepeatability.set(recipient.repeatabilityRequestId, messageId);
      this.sms.push({
        messageId,
        apiVersion,
        from: request.from!,
        to: recipient.to,
        message: request.message!,
        enableDeliveryReport: request.smsSendOptions?.enableDeliveryReport ?? false,
        tag: request.smsSendOptions?.tag,
        principalId: token.principalId,
      });
      return { to: recipient.to, messageId, httpStatusCode: 202, ...(recipient.repeatabilityRequestId ? { repeatabilityResult: 'accepted' } : {}), successful: true };
    });
    json(res, 202, { value });
  }
}

type Route = { kind: 'email-send'; service: 'email' } | { kind: 'email-status'; service: 'email'; id: string } | { kind: 'sms-send'; service: 'sms' };

function routeOf(method: string, path: string): Route | undefined {
  if (method === 'POST' && path === '/emails:send') return { kind: 'email-send', service: 'email' };
  const status = /^\/emails\/operations\/([^/]+)$/.exec(path);
  if (method === 'GET' && status) return { kind: 'email-status', service: 'email', id: decodeURIComponent(status[1]!) };
  if (method === 'POST' && path === '/sms') return { kind: 'sms-send', service: 'sms' };
  return undefined;
}

function defaultCode(status: number): string {
  if (status === 429) return 'TooManyRequests';
  if (status === 503) return 'ServiceUnavailable';
  return status >= 500 ? 'InternalServerError' : 'BadRequest';
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'x-ms-request-id': randomUUID() }).end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, code: string, message: string): void {
  res.setHeader('x-ms-error-code', code);
  json(res, status, { error: { code, message } });
}
