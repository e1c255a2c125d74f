import { jest } from '@jest/globals';
import fc from 'fast-check';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DEMO_USER, DEV_IDP_DEFAULT_AUDIENCE } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { SessionStore } from '../../src/auth/sessions/session-store.js';
import { SessionsService } from '../../src/auth/sessions/sessions.service.js';
import { anyReturnTo } from './support/attacker-inputs.js';
import { HttpBrowser, freePort, login, loginUntilCallbackFrom, startAuthApp, startTestIdp, type AuthApp } from './support/oidc-harness.js';

const COOKIE = 'app_session';
const ALLOWED_HOSTS = '*.example.test:*,shop.example.org';

/** The hosts AUTH_REDIRECT_ALLOWED_HOSTS above allows, written out by hand (the app is http://127.0.0.1:<port>). */
function allowedByHand(url: URL, app: string): boolean {
  if (url.origin === app) return true;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  if (url.hostname.endsWith('.example.test')) return true;
  return url.hostname === 'shop.example.org' && url.port === '';
}

/**
 * /auth/verify and /auth/start over HTTP against the real API and the real dev IdP (no proxy: the
 * nginx recipe and the browser test put real nginx and Chromium in front).
 */
describe('forward auth: /auth/verify and /auth/start', () => {
  let idp: RunningDevIdp;
  let app: AuthApp;
  let idpRequests = 0;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startTestIdp([`http://127.0.0.1:${port}`]);
    idp.server.on('request', () => idpRequests++);
    app = await startAuthApp(port, {
      AUTH_PROVIDER: 'dev',
      OIDC_ISSUER_URL: idp.issuer,
      AUTH_SESSION_STORE: 'memory',
      AUTH_REDIRECT_ALLOWED_HOSTS: ALLOWED_HOSTS,
      AUTH_VERIFY_AUDIENCES: 'details-api,reviews-api',
    });
  });

  afterAll(async () => {
    await app?.close();
    await idp?.close();
  });

  async function signedIn(): Promise<{ cookie: string; accessToken: string; sessionId: string }> {
    const browser = new HttpBrowser();
    await login(browser, app.url);
    const cookie = browser.cookies(app.url).get(COOKIE)!;
    const session = (await app.app.get(SessionsService).fromCookie(cookie))!;
    return { cookie, accessToken: session.accessToken, sessionId: session.id };
  }

  /** A subrequest as nginx's recipe sends it: the client's headers, X-Original-URI, X-Forwarded-Host and -Proto. */
  const verify = (query = '', headers: Record<string, string> = {}) =>
    fetch(`${app.url}/auth/verify${query}`, {
      redirect: 'manual',
      headers: { 'x-original-uri': '/details/7?view=full', 'x-forwarded-host': 'details.example.test:8080', 'x-forwarded-proto': 'http', ...headers },
    });
  const withCookie = (cookie: string) => ({ cookie: `${COOKIE}=${cookie}` });

  describe('GET /auth/verify', () => {
    it('signed in: 200 with oauth2-proxy’s X-Auth-Request-User, -Email, -Groups (the mapped roles), -Preferred-Username; never cached', async () => {
      const { cookie } = await signedIn();
      const answer = await verify('', withCookie(cookie));
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-auth-request-user')).toBe(DEMO_USER.sub);
      expect(answer.headers.get('x-auth-request-email')).toBe(DEMO_USER.email);
      expect(answer.headers.get('x-auth-request-groups')).toBe(DEMO_USER.roles.join(','));
      expect(answer.headers.get('x-auth-request-preferred-username')).toBe(DEMO_USER.username);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('authorization')).toBeNull();
    });

    it('no valid session: 401 and never a redirect (JSON for API clients)', async () => {
      for (const headers of [{}, withCookie('forged'), { accept: 'application/json' }] as Array<Record<string, string>>) {
        const answer = await verify('', headers);
        expect(answer.status).toBe(401);
        expect(answer.headers.get('location')).toBeNull();
      }
      expect(await (await verify('')).json()).toEqual({ error: 'NOT_AUTHENTICATED', message: 'Sign in first.' });
    });

    it('a browser (Traefik and Envoy show it the answer) gets a 401 page that links to /auth/start?rd=<the page it asked for>', async () => {
      const answer = await verify('', { accept: 'text/html,application/xhtml+xml' });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('location')).toBeNull();
      const start = `${app.url}/auth/start?rd=${encodeURIComponent('http://details.example.test:8080/details/7?view=full')}`;
      expect(await answer.text()).toContain(`<meta http-equiv="refresh" content="0;url=${start.replace(/&/g, '&amp;')}">`);
      // A request from a host the app may not return to gets no way on.
      const foreign = await verify('', { accept: 'text/html', 'x-forwarded-host': 'evil.example' });
      expect(await foreign.text()).not.toContain('/auth/start');
    });

    it('Bearer tokens are accepted (API clients behind the proxy); a bad one is 401', async () => {
      const { accessToken } = await signedIn();
      const answer = await verify('', { authorization: `Bearer ${accessToken}` });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-auth-request-user')).toBe(DEMO_USER.sub);
      expect(answer.headers.get('x-auth-request-groups')).toBe(DEMO_USER.roles.join(','));
      expect((await verify('', { authorization: 'Bearer not-a-token' })).status).toBe(401);
      expect((await verify('', { authorization: 'Basic abc' })).status).toBe(401);
    });

    it('?allowed_roles=a,b: 403 when the user has none of them, 2xx with one', async () => {
      const { cookie } = await signedIn();
      expect((await verify('?allowed_roles=admin', withCookie(cookie))).status).toBe(403);
      expect((await verify('?allowed_roles=admin,auditor', withCookie(cookie))).status).toBe(403);
      expect((await verify('?allowed_roles=admin,codes-reader', withCookie(cookie))).status).toBe(200);
    });

    it('?second_factor=1: 401 naming the step-up page (back to the page asked for) until the session’s second factor is fresh', async () => {
      const { cookie, sessionId } = await signedIn();
      const refused = await verify('?second_factor=1', withCookie(cookie));
      expect(refused.status).toBe(401);
      const stepUp = new URL(refused.headers.get('x-auth-step-up')!);
      expect(stepUp.origin + stepUp.pathname).toBe(`${app.url}/auth/second-factor`);
      expect(stepUp.searchParams.get('returnTo')).toBe('http://details.example.test:8080/details/7?view=full');
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_user_authentication"/);
      // The step-up capability records the time in the session (secondFactorAt): fresh, then stale.
      const store = app.app.get(SessionStore);
      const plant = async (at: number) => {
        const current = (await store.getVersioned(sessionId))!;
        await store.replace({ ...current.session, amr: ['pwd', 'otp'], secondFactorAt: at }, current.version);
      };
      await plant(Date.now() - 1000);
      expect((await verify('?second_factor=1', withCookie(cookie))).status).toBe(200);
      await plant(Date.now() - 3600_000);
      expect((await verify('?second_factor=1', withCookie(cookie))).status).toBe(401);
    });

    it('?second_factor=1 for a Bearer caller without a second factor in its token: RFC 9470 401', async () => {
      const { accessToken } = await signedIn();
      const refused = await verify('?second_factor=1', { authorization: `Bearer ${accessToken}` });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/error="insufficient_user_authentication".*max_age=\d+/);
    });

    it('?audience=details-api: Authorization: Bearer with a token the IdP issued for details-api (never the user’s own); unlisted audiences are 400', async () => {
      const { cookie, accessToken } = await signedIn();
      const answer = await verify('?audience=details-api', withCookie(cookie));
      expect(answer.status).toBe(200);
      const token = /^Bearer (\S+)$/.exec(answer.headers.get('authorization')!)![1]!;
      expect(token).not.toBe(accessToken);
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${idp.issuer}/jwks`)), { issuer: idp.issuer, audience: 'details-api' });
      expect(payload.sub).toBe(DEMO_USER.sub);
      // A Bearer caller's token is exchanged too.
      const forBearer = await verify('?audience=reviews-api', { authorization: `Bearer ${accessToken}` });
      const bearerToken = /^Bearer (\S+)$/.exec(forBearer.headers.get('authorization')!)![1]!;
      expect((await jwtVerify(bearerToken, createRemoteJWKSet(new URL(`${idp.issuer}/jwks`)), { audience: 'reviews-api' })).payload.sub).toBe(DEMO_USER.sub);
      expect((await verify('?audience=payments-api', withCookie(cookie))).status).toBe(400);
      expect((await verify(`?audience=${DEV_IDP_DEFAULT_AUDIENCE}`, withCookie(cookie))).status).toBe(400);
    });

    it('cheap: at most one session read per decision, and no IdP call once the exchanged token is cached', async () => {
      const { cookie } = await signedIn();
      expect((await verify('?audience=details-api', withCookie(cookie))).status).toBe(200); // the first exchange
      const reads = jest.spyOn(app.app.get(SessionStore), 'getVersioned');
      const before = idpRequests;
      for (const query of ['', '?audience=details-api', '?allowed_roles=user&audience=details-api']) {
        reads.mockClear();
        expect((await verify(query, withCookie(cookie))).status).toBe(200);
        expect(reads.mock.calls.length).toBeLessThanOrEqual(1);
      }
      expect(idpRequests - before).toBe(0);
      reads.mockRestore();
    });

    it('Envoy ext_authz (path_prefix /auth/verify): the client’s path follows; options come from the proxy’s headers, never the client’s query', async () => {
      const { cookie } = await signedIn();
      const asClient = await fetch(`${app.url}/auth/verify/details/7?audience=details-api&allowed_roles=admin`, { headers: withCookie(cookie) });
      expect(asClient.status).toBe(200);
      expect(asClient.headers.get('authorization')).toBeNull();
      const asProxy = await fetch(`${app.url}/auth/verify/details/7`, {
        headers: { ...withCookie(cookie), 'x-forward-auth-audience': 'details-api', 'x-forward-auth-allowed-roles': 'user' },
      });
      expect(asProxy.status).toBe(200);
      expect(asProxy.headers.get('authorization')).toMatch(/^Bearer /);
      const forbidden = await fetch(`${app.url}/auth/verify/details/7`, { headers: { ...withCookie(cookie), 'x-forward-auth-allowed-roles': 'admin' } });
      expect(forbidden.status).toBe(403);
    });
  });

  describe('GET /auth/start?rd=', () => {
    /** Starts at /auth/start, logs in at the dev IdP, and returns where the callback finally sends the browser. */
    async function finalLocation(startQuery: string): Promise<{ status: number; location?: string }> {
      const browser = new HttpBrowser();
      const first = await browser.request(`${app.url}/auth/start${startQuery}`);
      await first.body?.cancel();
      if (first.status !== 302) return { status: first.status };
      const callback = await loginUntilCallbackFrom(browser, app.url, `${app.url}/auth/start${startQuery}`);
      const answer = await browser.request(callback);
      await answer.body?.cancel();
      expect(answer.status).toBe(302);
      return { status: 302, location: answer.headers.get('location')! };
    }

    it('an allowed rd: the same login transaction as /auth/login, and back to that exact URL after the login', async () => {
      const rd = 'http://details.example.test:8080/details/7?view=full&lang=en';
      const started = await fetch(`${app.url}/auth/start?rd=${encodeURIComponent(rd)}`, { redirect: 'manual' });
      expect(started.status).toBe(302);
      expect(started.headers.get('location')!.startsWith(`${idp.issuer}/auth?`)).toBe(true);
      expect(started.headers.getSetCookie().some((c) => new RegExp(`^${COOKIE}_tx[0-2]=`).test(c))).toBe(true);
      expect(await finalLocation(`?rd=${encodeURIComponent(rd)}`)).toEqual({ status: 302, location: rd });
      // nginx's $request_uri arrives unencoded: the whole query after rd= is the URL.
      expect(await finalLocation(`?rd=${rd}`)).toEqual({ status: 302, location: rd });
    });

    it('refuses a foreign rd with 400 before any login starts', async () => {
      for (const rd of ['https://evil.example/', '//evil.example/', 'https://details.example.test.evil.example/', 'javascript:alert(1)', 'https://user@shop.example.org/']) {
        const answer = await fetch(`${app.url}/auth/start?rd=${encodeURIComponent(rd)}`, { redirect: 'manual' });
        expect(answer.status).toBe(400);
        expect(answer.headers.getSetCookie()).toEqual([]);
        expect(await answer.text()).toContain('AUTH_REDIRECT_ALLOWED_HOSTS');
      }
    });

    it('property, over HTTP with real logins: for any rd, /auth/start answers 400, or the final Location is this origin or an allowed host', async () => {
      const rds = fc.oneof(
        anyReturnTo,
        fc.webUrl({ withQueryParameters: true }),
        fc
          .tuple(
            fc.constantFrom('http://', 'https://', '//', 'http:\\\\', ''),
            fc.constantFrom('a.example.test', 'example.test', 'shop.example.org', 'evil.example', 'a.example.test@evil.example', 'evil.example\\.example.test', '127.0.0.1'),
            fc.constantFrom('', ':8080', ':443'),
            fc.constantFrom('', '/x?y=1&z=2', '/..//evil.example', '#f'),
          )
          .map((parts) => parts.join('')),
      );
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(rds, fc.boolean(), async (rd, encode) => {
          const { status, location } = await finalLocation(`?rd=${encode ? encodeURIComponent(rd) : rd}`);
          expect([302, 400]).toContain(status);
          if (status === 302) {
            accepted++;
            expect(allowedByHand(new URL(location!, `${app.url}/auth/callback`), app.url)).toBe(true);
          }
        }),
        { numRuns: 40 },
      );
      expect(accepted).toBeGreaterThan(0);
    }, 120_000);
  });
});
