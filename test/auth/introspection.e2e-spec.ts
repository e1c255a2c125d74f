import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { SessionsService } from '../../src/auth/sessions/sessions.service.js';
import { HttpBrowser, freePort, login, startAuthApp, startTestIdp, type AuthApp } from './support/oidc-harness.js';

const COOKIE = 'app_session';

/**
 * Sits in front of the IdP's real introspection endpoint (OIDC_INTROSPECTION_URL, as with split
 * endpoints), counts the calls, and can rewrite the IdP's answer to model an IdP that answers
 * `active` without an `aud` or for another API.
 */
class CountingIntrospection {
  calls = 0;
  rewrite?: (answer: Record<string, unknown>) => Record<string, unknown>;
  url = '';
  private server?: Server;

  constructor(private readonly upstream: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.calls++;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const answer = await fetch(this.upstream, {
            method: 'POST',
            headers: { 'content-type': String(req.headers['content-type']), authorization: String(req.headers.authorization ?? ''), accept: 'application/json' },
            body: Buffer.concat(chunks),
          });
          let body = (await answer.json()) as Record<string, unknown>;
          if (answer.ok && this.rewrite) body = this.rewrite(body);
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        })().catch((error: unknown) => res.writeHead(500).end(String(error)));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/introspect`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

/** Issue 9, finding 6: introspection checks the audience, is cached, and is not done where nobody needs the caller. */
describe('AUTH_BEARER=introspection (opaque tokens from a real oidc-provider, default audience)', () => {
  let idp: RunningDevIdp;
  let app: AuthApp;
  let introspection: CountingIntrospection;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startTestIdp([`http://127.0.0.1:${port}`], { accessTokenFormat: 'opaque' });
    introspection = await new CountingIntrospection(`${idp.issuer}/token/introspection`).start();
    app = await startAuthApp(port, {
      AUTH_PROVIDER: 'dev',
      OIDC_ISSUER_URL: idp.issuer,
      AUTH_SESSION_STORE: 'memory',
      AUTH_BEARER: 'introspection',
      OIDC_INTROSPECTION_URL: introspection.url,
    });
  });
  afterAll(async () => {
    await app?.close();
    await introspection?.stop();
    await idp?.close();
  });
  afterEach(() => {
    introspection.rewrite = undefined;
  });

  async function opaqueAccessToken(): Promise<string> {
    const browser = new HttpBrowser();
    await login(browser, app.url);
    const session = (await app.app.get(SessionsService).fromCookie(browser.cookies(app.url).get(COOKIE)))!;
    expect(session.accessToken).not.toMatch(/^eyJ/);
    return session.accessToken;
  }
  const me = (token: string) => fetch(`${app.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } });

  it('N requests with the same token make one introspection call', async () => {
    const token = await opaqueAccessToken();
    const before = introspection.calls;
    for (let i = 0; i < 5; i++) {
      const res = await me(token);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { sub: string }).sub).toBe('demo-user-0001');
    }
    expect(introspection.calls - before).toBe(1);
  });

  it('a refused token is remembered too: N requests with an unknown token, one call, all 401', async () => {
    const before = introspection.calls;
    for (let i = 0; i < 4; i++) expect((await me('opaque-token-nobody-issued')).status).toBe(401);
    expect(introspection.calls - before).toBe(1);
  });

  it('a public route makes no introspection call, whatever the Authorization header', async () => {
    const before = introspection.calls;
    expect((await fetch(`${app.url}/auth/login`, { headers: { authorization: 'Bearer opaque-public-1' }, redirect: 'manual' })).status).toBe(302);
    expect((await fetch(`${app.url}/health/live`, { headers: { authorization: 'Bearer opaque-public-2' } })).status).toBe(200);
    expect(introspection.calls - before).toBe(0);
  });

  it('an active answer without aud is refused with 401', async () => {
    const token = await opaqueAccessToken();
    introspection.rewrite = ({ aud: _aud, ...rest }) => rest;
    expect((await me(token)).status).toBe(401);
  });

  it('an active answer for another API (foreign aud) is refused with 401', async () => {
    const token = await opaqueAccessToken();
    introspection.rewrite = (answer) => ({ ...answer, aud: 'https://other-api.example' });
    expect((await me(token)).status).toBe(401);
  });

  // Issue 17, finding 8: a sender-constrained token (RFC 9449 DPoP, RFC 8705 mTLS) used as plain Bearer.
  it.each([['cnf.jkt (DPoP)', { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' }], ['cnf.x5t#S256 (mTLS)', { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' }]])(
    'an active answer bound to a key (%s) is refused with 401: its proof is not checked here',
    async (_kind, cnf) => {
      const token = await opaqueAccessToken();
      introspection.rewrite = (answer) => ({ ...answer, cnf });
      expect((await me(token)).status).toBe(401);
    },
  );
});
