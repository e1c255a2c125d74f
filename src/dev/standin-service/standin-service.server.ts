import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { html } from '../../common/views/html.js';
import { page } from '../../common/views/page.js';

/** Tracing headers a call arrives with, reported back (never the token). */
const TRACE_HEADERS = ['traceparent', 'tracestate', 'x-request-id', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags', 'b3'];

export interface StandinServiceOptions {
  /** `details` or `reviews`: it answers `GET /<service>/<id>`. */
  service: string;
  /** The one `aud` it accepts. */
  audience: string;
  issuer: string;
  /** Where the IdP's keys are; discovered from the issuer when absent. */
  jwksUrl?: string;
  /** The service's answer for a product id (undefined: 404). */
  answer: (id: number) => Record<string, unknown> | undefined;
  /** One line per call (sub, aud, trace headers; never the token). */
  log?: (line: Record<string, unknown>) => void;
}

/** Who called, as the service saw it: the token's subject and audience, the proxy's user header, the trace headers. */
export interface StandinCaller {
  sub: string;
  aud: string[];
  /** `X-Auth-Request-User` when a forward-auth proxy set it. */
  forwardedUser?: string;
  trace: Record<string, string>;
}

/**
 * A stand-in for one of seed 003's downstream services (details, reviews): it accepts only an
 * `Authorization: Bearer` JWT from the app's IdP whose `aud` is its own (401 otherwise, as the
 * seed's services do), and answers its JSON, or a small page for a browser sent through a
 * forward-auth proxy, naming who called.
 */
export function createStandinServer(options: StandinServiceOptions): Server {
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keySet = async () => {
    if (!keys) {
      const jwksUrl = options.jwksUrl ?? (await discoverJwks(options.issuer));
      keys = createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5000 });
    }
    return keys;
  };
  return createServer((req, res) => {
    handle(req, res, options, keySet).catch((error: unknown) => {
      options.log?.({ level: 'error', service: options.service, msg: (error as Error).message });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, options: StandinServiceOptions, keySet: () => Promise<ReturnType<typeof createRemoteJWKSet>>): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://standin');
  const m = new RegExp(`^/${options.service}/(\\d{1,9})$`).exec(url.pathname);
  if (req.method !== 'GET' || !m) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    return;
  }
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  let claims: JWTPayload | undefined;
  let refusal = token ? '' : 'no Bearer token';
  if (token) {
    try {
      ({ payload: claims } = await jwtVerify(token, await keySet(), { issuer: options.issuer, audience: options.audience, algorithms: ['RS256', 'PS256', 'ES256'], requiredClaims: ['sub', 'exp'] }));
    } catch (error) {
      refusal = `${(error as { code?: string }).code ?? 'invalid'}: ${(error as Error).message}`;
    }
  }
  const trace = Object.fromEntries(TRACE_HEADERS.flatMap((name) => (typeof req.headers[name] === 'string' ? [[name, req.headers[name] as string]] : [])));
  if (!claims) {
    options.log?.({ level: 'info', service: options.service, status: 401, refusal, trace });
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer error="invalid_token"` }).end(JSON.stringify({ error: 'unauthorized' }));
    return;
  }
  const caller: StandinCaller = {
    sub: String(claims.sub),
    aud: [claims.aud ?? []].flat(),
    ...(typeof req.headers['x-auth-request-user'] === 'string' ? { forwardedUser: req.headers['x-auth-request-user'] } : {}),
    trace,
  };
  options.log?.({ level: 'info', service: options.service, status: 200, sub: caller.sub, aud: caller.aud, forwardedUser: caller.forwardedUser, trace });
  const body = options.answer(Number(m[1]));
  if (!body) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    return;
  }
  if (/text\/html/.test(req.headers.accept ?? '')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(callerPage(options.service, caller, body));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...body, caller }));
}

function callerPage(service: string, caller: StandinCaller, body: Record<string, unknown>): string {
  return page(
    `${service} service`,
    html`<h1>The ${service} service</h1>
<dl>
<dt>X-Auth-Request-User</dt><dd id="forwarded-user">${caller.forwardedUser ?? ''}</dd>
<dt>Token subject</dt><dd id="token-sub">${caller.sub}</dd>
<dt>Token audience</dt><dd id="token-aud">${caller.aud.join(' ')}</dd>
</dl>
<pre id="service-answer">${JSON.stringify(body, null, 2)}</pre>`,
  );
}

async function discoverJwks(issuer: string): Promise<string> {
  const response = await fetch(new URL('.well-known/openid-configuration', issuer.endsWith('/') ? issuer : `${issuer}/`), { signal: AbortSignal.timeout(5000) });
  const metadata = (await response.json()) as { jwks_uri?: string };
  if (!metadata.jwks_uri) throw new Error(`${issuer} publishes no jwks_uri`);
  return metadata.jwks_uri;
}
