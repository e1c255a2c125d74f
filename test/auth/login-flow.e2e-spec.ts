import { SignJWT, importJWK, generateKeyPair, exportJWK } from 'jose';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { CookieSealer } from '../../src/auth/sessions/cookie-sealer.js';
import { SessionsService } from '../../src/auth/sessions/sessions.service.js';
import { SessionStore } from '../../src/auth/sessions/session-store.js';
import { DEMO_USER } from '../../src/dev/dev-idp/dev-idp.provider.js';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import {
  CLIENT_ID,
  HttpBrowser,
  TamperingTokenProxy,
  freePort,
  login,
  loginUntilCallback,
  logoutContinuation,
  startAuthApp,
  startTestIdp,
  type AuthApp,
} from './support/oidc-harness.js';

const COOKIE = 'app_session';

describe('OIDC login: authorization-code flow against a real in-process oidc-provider', () => {
  let azurite: AzuriteHandle;
  let idp: RunningDevIdp;
  let app: AuthApp;
  let tamperedApp: AuthApp;
  let proxy: TamperingTokenProxy;

  beforeAll(async () => {
    const [port, tamperedPort] = [await freePort(), await freePort()];
    azurite = await startAzurite();
    idp = await startTestIdp([`http://127.0.0.1:${port}`, `http://127.0.0.1:${tamperedPort}`]);
    const env = { AUTH_PROVIDER: 'dev', OIDC_ISSUER_URL: idp.issuer, AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString };
    app = await startAuthApp(port, env);
    proxy = await new TamperingTokenProxy(`${idp.issuer}/token`, idp.keys).start();
    // Split endpoints: discovery on the issuer, the token endpoint on another ("internal") host.
    tamperedApp = await startAuthApp(tamperedPort, { ...env, OIDC_TOKEN_URL: proxy.url, AUTH_CLOCK_TOLERANCE_SECONDS: '5' });
  });

  afterAll(async () => {
    await tamperedApp?.close();
    await app?.close();
    await proxy?.stop();
    await idp?.close();
    await azurite?.stop();
  });

  afterEach(() => {
    proxy.tamper = undefined;
  });

  it('logs in with PKCE S256, state and nonce; lands on returnTo with a small HttpOnly, SameSite=Lax session cookie', async () => {
    const browser = new HttpBrowser();
    const start = await browser.request(`${app.url}/auth/login?returnTo=%2Fprofile`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.origin).toBe(idp.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${app.url}/auth/callback`);

    const callback = await loginUntilCallback(browser, app.url, '/profile');
    const res = await browser.request(callback);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/profile');
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i); // plain-http local development only
    expect(setCookie.length).toBeLessThan(4096);
    // No token is readable by the browser: the cookie holds an encrypted id only.
    expect(setCookie).not.toMatch(/eyJ/);

    const profile = await browser.request(`${app.url}/profile`);
    expect(profile.status).toBe(200);
    expect(await profile.text()).toContain(DEMO_USER.name);

    const me = await browser.request(`${app.url}/auth/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ sub: DEMO_USER.sub, name: DEMO_USER.name, email: DEMO_USER.email, roles: DEMO_USER.roles, via: 'session' });

    const home = await (await browser.request(`${app.url}/`)).text();
    expect(home).toContain(DEMO_USER.name);
    expect(home).toContain('Log out');
    expect(home).not.toContain('Log in');
  });

  it('anonymous: home offers "Log in", /auth/me is 401 JSON, a page redirects to login with returnTo', async () => {
    const browser = new HttpBrowser();
    const home = await (await browser.request(`${app.url}/`)).text();
    expect(home).toContain('Log in');
    const me = await browser.request(`${app.url}/auth/me`);
    expect(me.status).toBe(401);
    expect(await me.json()).toEqual({ error: 'NOT_AUTHENTICATED', message: expect.any(String) });
    const page = await browser.request(`${app.url}/profile?tab=1`);
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/auth/login?returnTo=%2Fprofile%3Ftab%3D1');
  });

  it('logout ends the local session and sends the browser to the IdP with id_token_hint, client_id and post_logout_redirect_uri; the IdP session is gone', async () => {
    const browser = new HttpBrowser();
    await login(browser, app.url);
    const out = await browser.request(`${app.url}/auth/logout`, { method: 'POST', headers: { origin: app.url } });
    expect(out.status).toBe(200);
    const endSession = await logoutContinuation(out);
    expect(endSession.href.startsWith(`${idp.issuer}/session/end`)).toBe(true);
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
    expect(endSession.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${app.url}/`);
    expect((await browser.request(`${app.url}/auth/me`)).status).toBe(401);

    // The IdP's logout page submits itself in a browser; do what the script does.
    const page = await browser.follow(endSession.href);
    const html = await page.res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const done = await browser.follow(new URL(action, page.url).href, (u) => u.origin === app.url, { form: { xsrf, logout: 'yes' } });
    expect(done.url).toBe(`${app.url}/`);

    // Logging in again asks for the password (no silent SSO).
    const again = await browser.follow(`${app.url}/auth/login`, (u) => u.pathname === '/auth/callback');
    expect(again.url).toContain('/interaction/');
    expect(await again.res.text()).toContain('name="password"');
  });

  describe('callback failures end on a clear error page, without a session', () => {
    const expectErrorPage = async (res: Response, text: RegExp) => {
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toContain('Sign-in problem');
      expect(html).toMatch(text);
      expect(html).not.toMatch(/at \w+ \(|node_modules|Error:/);
      expect(res.headers.getSetCookie().some((c) => c.startsWith(`${COOKIE}=`) && !/Expires=Thu, 01 Jan 1970/.test(c))).toBe(false);
    };

    it('state mismatch', async () => {
      const browser = new HttpBrowser();
      const callback = new URL(await loginUntilCallback(browser, app.url));
      callback.searchParams.set('state', 'forged-state-value');
      await expectErrorPage(await browser.request(callback.href), /unknown or expired/);
    });

    it('replayed authorization code', async () => {
      const browser = new HttpBrowser();
      const callback = await loginUntilCallback(browser, app.url);
      const jar = new Map(browser.cookies(new URL(app.url).origin));
      expect((await browser.request(callback)).status).toBe(302);
      // An attacker replays the same callback with the same (captured) transaction cookie.
      const attacker = new HttpBrowser();
      for (const [k, v] of jar) attacker.cookies(new URL(app.url).origin).set(k, v);
      await expectErrorPage(await attacker.request(callback), /did not complete/);
    });

    it('error=access_denied from the IdP', async () => {
      const browser = new HttpBrowser();
      const start = await browser.request(`${app.url}/auth/login`);
      const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
      await expectErrorPage(
        await browser.request(`${app.url}/auth/callback?error=access_denied&error_description=user+cancelled&state=${state}`),
        /cancelled or refused/,
      );
    });

    it.each([
      ['nonce mismatch', (c: Record<string, unknown>) => ({ ...c, nonce: 'another-nonce' })],
      ['wrong issuer', (c: Record<string, unknown>) => ({ ...c, iss: 'http://127.0.0.1:1/evil-issuer' })],
      ['wrong audience', (c: Record<string, unknown>) => ({ ...c, aud: 'some-other-client' })],
      ['expired ID token', (c: Record<string, unknown>) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 60 })],
    ])('%s in the ID token', async (_name, tamper) => {
      proxy.tamper = tamper;
      const browser = new HttpBrowser();
      const callback = await loginUntilCallback(browser, tamperedApp.url);
      await expectErrorPage(await browser.request(callback), /did not complete/);
    });

    it('the tampering proxy itself passes an untouched login (so the cases above fail for their reason)', async () => {
      const browser = new HttpBrowser();
      const done = await login(browser, tamperedApp.url, '/profile');
      expect(done.url).toBe(`${tamperedApp.url}/profile`);
      expect((await browser.request(done.url)).status).toBe(200);
    });
  });

  it.each([['//evil.example'], ['https://evil.example/x'], ['/\\evil.example'], ['javascript:alert(1)']])(
    'returnTo=%s falls back to /',
    async (returnTo) => {
      const browser = new HttpBrowser();
      const callback = await loginUntilCallback(browser, app.url, returnTo);
      const res = await browser.request(callback);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/');
    },
  );

  describe('session cookie integrity', () => {
    let browser: HttpBrowser;
    let value: string;
    beforeAll(async () => {
      browser = new HttpBrowser();
      await login(browser, app.url);
      value = browser.cookies(app.url).get(COOKIE)!;
    });

    const meWith = (cookie: string) => fetch(`${app.url}/auth/me`, { headers: { cookie: `${COOKIE}=${cookie}` } });

    it('the genuine cookie works', async () => {
      expect((await meWith(value)).status).toBe(200);
    });

    it('a tampered cookie is refused', async () => {
      const raw = Buffer.from(value, 'base64url');
      raw[20] = raw[20]! ^ 0x01;
      expect((await meWith(raw.toString('base64url'))).status).toBe(401);
    });

    it('a foreign cookie (same session id, another secret) is refused', async () => {
      const sessions = app.app.get(SessionsService);
      const id = (await sessions.fromCookie(value))!.id;
      const foreign = new CookieSealer('some-other-deployment-secret', 'session').seal({ s: id });
      expect((await meWith(foreign)).status).toBe(401);
    });
  });

  describe('Bearer tokens (JWT against the IdP JWKS)', () => {
    const now = () => Math.floor(Date.now() / 1000);
    // Shaped like the dev IdP's access tokens (RFC 9068): typ at+jwt, aud = the API, not the client id.
    const claims = () => ({ sub: DEMO_USER.sub, name: DEMO_USER.name, realm_access: { roles: ['user'] }, aud: 'integrated-auth-api', client_id: CLIENT_ID, iss: idp.issuer });
    const sign = async (payload: Record<string, unknown>, key = idp.keys[0]!, exp = now() + 300) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' }).setIssuedAt().setExpirationTime(exp).sign(await importJWK(key, 'RS256'));
    const me = (token: string) => fetch(`${app.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } });

    it('a token signed by the issuer is accepted and mapped to roles', async () => {
      const res = await me(await sign(claims()));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ sub: DEMO_USER.sub, roles: ['user'], via: 'bearer' });
    });

    it('signed by another key → 401', async () => {
      const { privateKey } = await generateKeyPair('RS256', { extractable: true });
      const foreign = { ...(await exportJWK(privateKey)), kid: idp.keys[0]!.kid };
      const res = await me(await sign(claims(), foreign));
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'INVALID_TOKEN' });
    });

    it('alg: none → 401', async () => {
      const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const unsigned = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...claims(), exp: now() + 300 })}.`;
      expect((await me(unsigned)).status).toBe(401);
    });

    it('wrong audience, wrong issuer and expired → 401', async () => {
      expect((await me(await sign({ ...claims(), aud: 'other-api' }))).status).toBe(401);
      expect((await me(await sign({ ...claims(), iss: 'http://127.0.0.1:1' }))).status).toBe(401);
      expect((await me(await sign(claims(), idp.keys[0], now() - 120))).status).toBe(401);
    });

    it('a malformed Authorization header → 401', async () => {
      const res = await fetch(`${app.url}/auth/me`, { headers: { authorization: 'Basic abc' } });
      expect(res.status).toBe(401);
    });
  });

  describe('back-channel logout', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const logoutToken = async (payload: Record<string, unknown>, key = idp.keys[0]!) =>
      new SignJWT({ iss: idp.issuer, aud: CLIENT_ID, jti: `j-${Math.random()}`, ...payload })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'logout+jwt' })
        .setIssuedAt()
        .setExpirationTime(now() + 120)
        .sign(await importJWK(key, 'RS256'));
    const post = (token: string) =>
      fetch(`${app.url}/auth/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }),
      });
    const events = { 'http://schemas.openid.net/event/backchannel-logout': {} };

    it('a logout token with a bad signature → 400, session kept', async () => {
      const browser = new HttpBrowser();
      await login(browser, app.url);
      const { privateKey } = await generateKeyPair('RS256', { extractable: true });
      const foreign = { ...(await exportJWK(privateKey)), kid: idp.keys[0]!.kid };
      const res = await post(await logoutToken({ sub: DEMO_USER.sub, events }, foreign));
      expect(res.status).toBe(400);
      expect((await browser.request(`${app.url}/auth/me`)).status).toBe(200);
    });

    it('a logout token without the events claim → 400, session kept', async () => {
      const browser = new HttpBrowser();
      await login(browser, app.url);
      const res = await post(await logoutToken({ sub: DEMO_USER.sub }));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'INVALID_LOGOUT_TOKEN' });
      expect((await browser.request(`${app.url}/auth/me`)).status).toBe(200);
    });

    it('a valid logout token for the IdP session ends it', async () => {
      const browser = new HttpBrowser();
      await login(browser, app.url);
      const session = await app.app.get(SessionsService).fromCookie(browser.cookies(app.url).get(COOKIE));
      expect(session?.idpSid).toBeTruthy();
      const res = await post(await logoutToken({ sub: DEMO_USER.sub, sid: session!.idpSid, events }));
      expect(res.status).toBe(200);
      expect((await browser.request(`${app.url}/auth/me`)).status).toBe(401);
    });
  });

  describe('refresh before expiry', () => {
    it('concurrent requests refresh once; a failed refresh ends the session', async () => {
      const browser = new HttpBrowser();
      await login(browser, app.url);
      const cookie = browser.cookies(app.url).get(COOKIE)!;
      const sessions = app.app.get(SessionsService);
      const store = app.app.get(SessionStore);
      // Refresh grants counted where they land: at the IdP's token endpoint.
      let refreshGrants = 0;
      idp.provider.on('grant.success', (ctx: { oidc: { params?: { grant_type?: unknown } } }) => {
        if (ctx.oidc.params?.grant_type === 'refresh_token') refreshGrants++;
      });
      const session = (await sessions.fromCookie(cookie))!;
      // Make the access token look about to expire.
      await store.put({ ...session, accessTokenExpiresAt: Date.now() + 1000 });
      const before = refreshGrants;
      const answers = await Promise.all(Array.from({ length: 8 }, () => fetch(`${app.url}/auth/me`, { headers: { cookie: `${COOKIE}=${cookie}` } })));
      expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(refreshGrants - before).toBe(1);
      const refreshed = (await store.get(session.id))!;
      expect(refreshed.accessToken).not.toBe(session.accessToken);
      expect(refreshed.accessTokenExpiresAt).toBeGreaterThan(Date.now() + 60_000);

      await store.put({ ...refreshed, accessTokenExpiresAt: Date.now() + 1000, refreshToken: 'revoked-or-garbage' });
      const after = await fetch(`${app.url}/auth/me`, { headers: { cookie: `${COOKIE}=${cookie}` } });
      expect(after.status).toBe(401);
      expect(await store.get(session.id)).toBeUndefined();
    });
  });
});
