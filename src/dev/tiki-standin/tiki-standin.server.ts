import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface TikiStandinOptions {
  /** The client secret for a client key, or undefined for an unknown key (read per request, so rotation applies at once). */
  secretFor: (clientKey: string) => Promise<string | undefined>;
  /** Where the API lives, like Tiki's `/tiniapp-open-api`. */
  basePath?: string;
  /** Oldest accepted X-Tiniapp-Timestamp, and how far into the future one may be. */
  maxTimestampAgeMs?: number;
  tokenTtlSeconds?: number;
  now?: () => number;
}

export interface StandinCustomer {
  id: number;
  name: string;
}

interface Grant {
  customer: StandinCustomer;
  scopes: string[];
  expiresAt: number;
}

/** A request as it arrived, for tests that check what was sent (bytes and headers). */
export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The caller's port: the same across calls means the connection was kept alive. */
  remotePort?: number;
}

const MAX_BODY_BYTES = 64 * 1024;
const CODE_TTL_MS = 5 * 60_000;
const SCOPES = ['user_profile'];

/**
 * A local stand-in of Tiki's Tini App platform API (`/oauth/auth/token`, `/oauth/auth/token/refresh`,
 * `/oauth/me`). Like Tiki it recomputes X-Tiniapp-Signature from the bytes received, and answers a
 * wrong signature, an unknown client or a timestamp older than a minute with Tiki's error shape
 * `{"data":null,"error":{"code","reason","message"}}`. Auth codes stand in for `my.getAuthCode`:
 * `issueCode()` or `POST <base>/_standin/auth_codes` mints a single-use one.
 *
 * The signature check is written here on its own, not shared with the app's signer, so a mistake
 * in one is caught by the other (and the signer's unit spec pins Tiki's published vector).
 */
export class TikiStandin {
  readonly received: ReceivedRequest[] = [];
  private readonly codes = new Map<string, Grant & { codeExpiresAt: number }>();
  private readonly accessTokens = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly basePath: string;
  private readonly maxAgeMs: number;
  private readonly ttlSeconds: number;
  private readonly now: () => number;
  private nextCustomerId = 1000;

  constructor(private readonly options: TikiStandinOptions) {
    this.basePath = (options.basePath ?? '/tiniapp-open-api').replace(/\/+$/, '');
    this.maxAgeMs = options.maxTimestampAgeMs ?? 60_000;
    this.ttlSeconds = options.tokenTtlSeconds ?? 3600;
    this.now = options.now ?? Date.now;
  }

  /** A fresh single-use auth code for `customer`, as `my.getAuthCode` would give a mini app. */
  issueCode(customer?: Partial<StandinCustomer>): string {
    const code = token();
    const id = customer?.id ?? this.nextCustomerId++;
    this.codes.set(code, {
      customer: { id, name: customer?.name ?? `Customer ${id}` },
      scopes: SCOPES,
      expiresAt: 0,
      codeExpiresAt: this.now() + CODE_TTL_MS,
    });
    return code;
  }

  /** The request listener, for `createServer` or a wrapping test server that injects faults. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.route(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { data: null, error: { code: 500, reason: 'internal_error', message: 'internal error' } });
      else res.end();
    });
  };

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith(`${this.basePath}/`)) return fail(res, 404, 'not_found', 'no such endpoint');
    const endpoint = path.slice(this.basePath.length);
    if (req.method !== 'POST') return fail(res, 405, 'method_not_allowed', 'use POST');
    const body = await readBody(req);
    if (body === undefined) return fail(res, 413, 'invalid_request', 'body too large');
    if (endpoint === '/_standin/auth_codes') return this.mintCode(res, body);
    const handler = this.endpoints[endpoint];
    if (!handler) return fail(res, 404, 'not_found', 'no such endpoint');
    this.received.push({ path: endpoint, headers: req.headers, body: body.toString('utf8'), remotePort: req.socket.remotePort });
    if (this.received.length > 100) this.received.shift();
    const rejection = await this.checkSignature(req, body);
    if (rejection) return fail(res, 401, 'invalid_signature', rejection);
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return fail(res, 400, 'invalid_request', 'body is not JSON');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail(res, 400, 'invalid_request', 'body is not a JSON object');
    handler(res, input as Record<string, unknown>);
  }

  private readonly endpoints: Record<string, (res: ServerResponse, input: Record<string, unknown>) => void> = {
    '/oauth/auth/token': (res, input) => {
      const code = input.code;
      const grant = typeof code === 'string' ? this.codes.get(code) : undefined;
      if (typeof code === 'string') this.codes.delete(code); // single use, even when expired
      if (!grant || grant.codeExpiresAt <= this.now()) return fail(res, 400, 'invalid_code', 'auth code is invalid or expired');
      send(res, 200, { data: { ...this.grantTokens(grant.customer, grant.scopes), customer: grant.customer }, error: null });
    },
    '/oauth/auth/token/refresh': (res, input) => {
      const refresh = input.refresh_token;
      const grant = typeof refresh === 'string' ? this.refreshTokens.get(refresh) : undefined;
      if (!grant || grant.expiresAt <= this.now()) return fail(res, 400, 'invalid_token', 'refresh token is invalid or expired');
      this.refreshTokens.delete(refresh as string); // rotated: the old one is spent
      send(res, 200, { data: this.grantTokens(grant.customer, grant.scopes), error: null });
    },
    '/oauth/me': (res, input) => {
      const access = input.access_token;
      const grant = typeof access === 'string' ? this.accessTokens.get(access) : undefined;
      if (!grant || grant.expiresAt <= this.now()) return fail(res, 400, 'invalid_token', 'access token is invalid or expired');
      send(res, 200, { data: { customer_id: grant.customer.id, customer_name: grant.customer.name, scopes: grant.scopes }, error: null });
    },
  };

  private grantTokens(customer: StandinCustomer, scopes: string[]) {
    const accessToken = token();
    const refreshToken = token();
    this.accessTokens.set(accessToken, { customer, scopes, expiresAt: this.now() + this.ttlSeconds * 1000 });
    this.refreshTokens.set(refreshToken, { customer, scopes, expiresAt: this.now() + 30 * 86_400_000 });
    return { access_token: accessToken, expires_in: this.ttlSeconds, refresh_token: refreshToken, scopes, token_type: 'bearer' };
  }

  private mintCode(res: ServerResponse, body: Buffer): void {
    let customer: Partial<StandinCustomer> = {};
    try {
      const input = body.length ? (JSON.parse(body.toString('utf8')) as { customer_id?: unknown; customer_name?: unknown }) : {};
      customer = {
        id: typeof input.customer_id === 'number' ? input.customer_id : undefined,
        name: typeof input.customer_name === 'string' ? input.customer_name : undefined,
      };
    } catch {
      return fail(res, 400, 'invalid_request', 'body is not JSON');
    }
    send(res, 200, { data: { code: this.issueCode(customer) }, error: null });
  }

  /** Undefined when the request is signed correctly, else why not (for the error message). */
  private async checkSignature(req: IncomingMessage, body: Buffer): Promise<string | undefined> {
    const clientKey = header(req, 'x-tiniapp-client-id');
    const timestamp = header(req, 'x-tiniapp-timestamp');
    const signature = header(req, 'x-tiniapp-signature');
    if (!clientKey || !timestamp || !signature) return 'X-Tiniapp-Client-Id, X-Tiniapp-Timestamp and X-Tiniapp-Signature are required';
    if (!/^\d{1,16}$/.test(timestamp)) return 'timestamp must be milliseconds since the epoch';
    const age = this.now() - Number(timestamp);
    if (age > this.maxAgeMs) return 'timestamp is too old';
    if (age < -this.maxAgeMs) return 'timestamp is in the future';
    const secret = await this.options.secretFor(clientKey);
    if (secret === undefined) return 'unknown client';
    // Tiki signs base64url-without-padding of "<timestamp>.<client key>.<body bytes>", as text.
    const encoded = Buffer.concat([Buffer.from(`${timestamp}.${clientKey}.`, 'utf8'), body])
      .toString('base64')
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    const expected = createHmac('sha256', secret).update(encoded).digest();
    const presented = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    return presented.length === expected.length && timingSafeEqual(presented, expected) ? undefined : 'signature does not match';
  }
}

export function createTikiStandinServer(standin: TikiStandin): Server {
  const server = createServer(standin.handle);
  server.keepAliveTimeout = 65_000;
  return server;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value.length ? value : undefined;
}

function token(): string {
  return randomBytes(32).toString('base64url');
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk as Buffer);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

function fail(res: ServerResponse, status: number, reason: string, message: string): void {
  send(res, status, { data: null, error: { code: status, reason, message } });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
