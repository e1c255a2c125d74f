import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, decodeJwt, importJWK, type JWK, type JWTPayload } from 'jose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../../src/apps/api/app.factory.js';
import { DEMO_USER, type DevIdpOptions, type DevIdpUser } from '../../../src/dev/dev-idp/dev-idp.provider.js';
import { startDevIdp, type RunningDevIdp } from '../../../src/dev/dev-idp/dev-idp.server.js';
import { devIdpClientFor } from '../../../src/dev/dev-idp/dev-idp.config.js';
import { freePort } from '../../support/ports.js';
import { TEST_LOG_LEVEL } from '../../support/app.js';
import { AZURITE_KEY } from '../../support/azurite.js';

export const CLIENT_ID = 'integrated-auth-app';
export const CLIENT_SECRET = 'test-client-secret';
export const SESSION_SECRET = 'test-session-secret-0123456789abcdef';

export interface AuthApp {
  app: NestExpressApplication;
  url: string;
  close(): Promise<void>;
}

/** The real API on a chosen loopback port (the IdP must know its redirect URI before it starts). */
export async function startAuthApp(port: number, env: Record<string, string | undefined>): Promise<AuthApp> {
  const app = await createApp({
    LOG_LEVEL: TEST_LOG_LEVEL,
    NODE_ENV: 'test',
    THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/api/RandomNumber',
    SECRET_THIRD_PARTY_API_KEY: 'unused',
    // Tests that need storage pass Azurite's; the rest point at a closed port (never contacted at boot).
    AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;`,
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    OIDC_CLIENT_ID: CLIENT_ID,
    SECRET_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    SECRET_SESSION_SECRET: SESSION_SECRET,
    THROTTLE_LIMIT: '100000',
    ...env,
  });
  await app.listen(port, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/**
 * The environment of a real API process (`spawnEntry('apps/api/main.js', …)`) signing users in at
 * the dev IdP `issuer`, with its sessions in the storage account (Table store) so several
 * processes share them; `extra` adds or overrides.
 */
export function apiProcessEnv(port: number, issuer: string, storageConnectionString: string, publicBaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    PORT: String(port),
    HOST: '127.0.0.1',
    THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/api/RandomNumber',
    SECRET_THIRD_PARTY_API_KEY: 'unused',
    AZURE_STORAGE_CONNECTION_STRING: storageConnectionString,
    AUTH_PROVIDER: 'dev',
    OIDC_ISSUER_URL: issuer,
    OIDC_CLIENT_ID: CLIENT_ID,
    SECRET_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    SECRET_SESSION_SECRET: SESSION_SECRET,
    PUBLIC_BASE_URL: publicBaseUrl,
    THROTTLE_LIMIT: '100000',
    ...extra,
  };
}

/** Trace headers as a traced caller sends them (W3C trace context, request id, Zipkin B3). */
export const SAMPLE_TRACE_HEADERS = {
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  'x-request-id': 'req-123',
  'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7',
  'x-b3-spanid': 'e457b5a2e4d86bd1',
  'x-b3-parentspanid': '05e3ac9a4f6e3b90',
  'x-b3-sampled': '1',
  'x-b3-flags': '0',
} as const;

/** A dev IdP that knows every app base URL given (several instances share one registration each). */
export async function startTestIdp(appBaseUrls: string[], options: Partial<DevIdpOptions> = {}): Promise<RunningDevIdp> {
  const clients = appBaseUrls.map((base) => devIdpClientFor(base, CLIENT_ID, CLIENT_SECRET));
  const merged = {
    ...clients[0]!,
    redirectUris: clients.flatMap((c) => c.redirectUris),
    postLogoutRedirectUris: clients.flatMap((c) => c.postLogoutRedirectUris),
  };
  return startDevIdp({ clients: [merged], ...options });
}

/** A browser without a browser: one cookie jar per origin, redirects followed by hand. */
export class HttpBrowser {
  readonly jars = new Map<string, Map<string, string>>();
  readonly visited: string[] = [];

  cookies(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const u = new URL(url);
    const jar = this.cookies(u.origin);
    const headers: Record<string, string> = { ...init.headers };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.visited.push(`${res.status} ${init.method ?? (body ? 'POST' : 'GET')} ${url}`);
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      // As browsers do (RFC 6265bis cookie prefixes): a __Host- cookie needs Secure, Path=/ and
      // no Domain, a __Secure- cookie needs Secure; anything else is dropped, never stored.
      const attr = (n: string) => attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith(n));
      const secure = attr('secure') !== undefined;
      if (name.startsWith('__Host-') && (!secure || attr('path=')?.toLowerCase() !== 'path=/' || attr('domain=') !== undefined)) continue;
      if (name.startsWith('__Secure-') && !secure) continue;
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /** Follows redirects until a non-redirect answer or until `stopAt` matches the next URL. */
  async follow(url: string, stopAt?: (next: URL) => boolean, init?: { method?: string; form?: Record<string, string> }): Promise<{ res: Response; url: string }> {
    let current = url;
    let res = await this.request(current, init);
    for (let hops = 0; hops < 20 && res.status >= 300 && res.status < 400; hops++) {
      const next = new URL(res.headers.get('location')!, current);
      await res.body?.cancel();
      if (stopAt?.(next)) return { res, url: next.href };
      current = next.href;
      res = await this.request(current);
    }
    return { res, url: current };
  }

  /** On the dev IdP's login form: submit the credentials. */
  async submitLogin(formPageUrl: string, html: string, username = DEMO_USER.username, password = DEMO_USER.password) {
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no login form at ${formPageUrl}: ${html.slice(0, 300)}`);
    return this.follow(new URL(action, formPageUrl).href, undefined, { form: { username, password } });
  }
}

/** Where the app's "Signing out" page (the answer to POST /auth/logout) moves on to. */
export async function logoutContinuation(res: Response): Promise<URL> {
  const html = await res.text();
  const url = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(html)?.[1];
  if (!url) throw new Error(`not the signing-out page: ${html.slice(0, 300)}`);
  return new URL(url.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
}

/**
 * Logs in from the app's /auth/login up to (not including) the app's callback. Returns the
 * callback URL the IdP redirected to, so a test can tamper with it or call it.
 */
export async function loginUntilCallback(browser: HttpBrowser, appUrl: string, returnTo = '/', user: Pick<DevIdpUser, 'username' | 'password'> = DEMO_USER): Promise<string> {
  return loginUntilCallbackFrom(browser, appUrl, `${appUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`, user);
}

/** As loginUntilCallback, from any URL that starts a login (`/auth/start?rd=…`, a proxied page). */
export async function loginUntilCallbackFrom(browser: HttpBrowser, appUrl: string, startUrl: string, user: Pick<DevIdpUser, 'username' | 'password'> = DEMO_USER): Promise<string> {
  const appOrigin = new URL(appUrl).origin;
  const isCallback = (u: URL) => u.origin === appOrigin && u.pathname === '/auth/callback';
  let { res, url } = await browser.follow(startUrl, isCallback);
  if (!isCallback(new URL(url))) {
    const html = await res.text();
    ({ url } = await browserSubmit(browser, url, html, isCallback, user));
  }
  return url;
}

async function browserSubmit(browser: HttpBrowser, pageUrl: string, html: string, stopAt: (u: URL) => boolean, user: Pick<DevIdpUser, 'username' | 'password'>) {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`expected the login form at ${pageUrl}, got: ${html.slice(0, 300)}`);
  return browser.follow(new URL(action, pageUrl).href, stopAt, { form: { username: user.username, password: user.password } });
}

/** Full login (as `user`, the demo account by default); returns the page the app finally sends the browser to. */
export async function login(browser: HttpBrowser, appUrl: string, returnTo = '/', user: Pick<DevIdpUser, 'username' | 'password'> = DEMO_USER): Promise<{ res: Response; url: string }> {
  const callback = await loginUntilCallback(browser, appUrl, returnTo, user);
  return browser.follow(callback, (u) => u.origin === new URL(appUrl).origin && u.pathname !== '/auth/callback');
}

/**
 * Sits between the app and the IdP's token endpoint and rewrites the ID token's claims (re-signed
 * with the IdP's own key), so the app's real openid-client checks see a wrong issuer, audience,
 * nonce or expiry exactly as a broken or hostile IdP would send them.
 */
export class TamperingTokenProxy {
  tamper?: (claims: JWTPayload) => JWTPayload;
  private server?: Server;
  url = '';

  constructor(
    private readonly tokenEndpoint: string,
    private readonly keys: JWK[],
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const upstream = await fetch(this.tokenEndpoint, {
            method: 'POST',
            headers: { 'content-type': String(req.headers['content-type']), authorization: String(req.headers.authorization ?? '') },
            body: Buffer.concat(chunks),
          });
          const text = await upstream.text();
          let out = text;
          if (upstream.ok && this.tamper) {
            const body = JSON.parse(text) as { id_token?: string };
            if (body.id_token) {
              const claims = this.tamper(decodeJwt(body.id_token));
              const key = await importJWK(this.keys[0]!, 'RS256');
              body.id_token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: this.keys[0]!.kid }).sign(key);
            }
            out = JSON.stringify(body);
          }
          res.writeHead(upstream.status, { 'content-type': 'application/json' });
          res.end(out);
        })().catch((error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/token`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

export { freePort };
