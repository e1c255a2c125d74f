import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DownstreamHttpClient } from '../../src/auth/downstream/downstream-http.client.js';
import { ExchangedTokens } from '../../src/auth/downstream/exchanged-tokens.js';
import { SessionEndedError, TokenExchangeFailedError } from '../../src/auth/auth.errors.js';
import { SessionsService } from '../../src/auth/sessions/sessions.service.js';
import { sessionUser, type RequestWithUser } from '../../src/auth/auth-user.js';
import { DEMO_USER, DEV_IDP_DEFAULT_AUDIENCE } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { CLIENT_ID, CLIENT_SECRET, HttpBrowser, SAMPLE_TRACE_HEADERS, freePort, login, startAuthApp, startTestIdp, type AuthApp } from './support/oidc-harness.js';

const COOKIE = 'app_session';
const TRACE = SAMPLE_TRACE_HEADERS;

/**
 * Token exchange end to end: the app's real openid-client (genericGrantRequest on the shared
 * Configuration) against the real dev IdP's RFC 8693 and on-behalf-of grants, and
 * DownstreamHttpClient calling a service that verifies the token it receives against the IdP's keys.
 */
describe('token exchange: a token for each downstream audience, never the user’s own', () => {
  let idp: RunningDevIdp;
  let app: AuthApp;
  let oboApp: AuthApp;
  let offApp: AuthApp;
  let service: Server;
  let serviceUrl: string;
  let status = 200;
  const seen: IncomingHttpHeaders[] = [];
  /** Exchange grants the IdP answered, by grant type. */
  const grants: Record<string, number> = {};

  beforeAll(async () => {
    const [port, oboPort, offPort] = [await freePort(), await freePort(), await freePort()];
    idp = await startTestIdp([`http://127.0.0.1:${port}`, `http://127.0.0.1:${oboPort}`, `http://127.0.0.1:${offPort}`]);
    idp.provider.on('grant.success', (...args: unknown[]) => {
      const type = (args[0] as { oidc: { params?: { grant_type?: string } } }).oidc.params?.grant_type ?? '';
      grants[type] = (grants[type] ?? 0) + 1;
    });
    const env = { AUTH_PROVIDER: 'dev', OIDC_ISSUER_URL: idp.issuer, AUTH_SESSION_STORE: 'memory' };
    app = await startAuthApp(port, env);
    oboApp = await startAuthApp(oboPort, { ...env, AUTH_TOKEN_EXCHANGE: 'on-behalf-of' });
    offApp = await startAuthApp(offPort, { ...env, AUTH_TOKEN_EXCHANGE: 'off' });
    service = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"details":"ok"}');
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}/details/0`;
  });

  afterAll(async () => {
    await Promise.all([app, oboApp, offApp].map((a) => a?.close()));
    await idp?.close();
    service?.closeAllConnections();
    await new Promise((resolve) => service?.close(resolve));
  });

  beforeEach(() => {
    status = 200;
    seen.length = 0;
  });

  /** A signed-in browser on `on`, and the request a page route of it would see. */
  async function signedIn(on: AuthApp): Promise<{ cookie: string; req: RequestWithUser; userToken: string }> {
    const browser = new HttpBrowser();
    await login(browser, on.url);
    const cookie = browser.cookies(on.url).get(COOKIE)!;
    const session = (await on.app.get(SessionsService).fromCookie(cookie))!;
    const req = { headers: { ...TRACE, cookie: `${COOKIE}=${cookie}` }, user: sessionUser(session) } as unknown as RequestWithUser;
    return { cookie, req, userToken: session.accessToken };
  }

  async function verified(token: string, audience: string) {
    return (await jwtVerify(token, createRemoteJWKSet(new URL(`${idp.issuer}/jwks`)), { issuer: idp.issuer, audience })).payload;
  }

  const sentToken = (i = 0) => /^Bearer (\S+)$/.exec(String(seen[i]?.authorization))?.[1] ?? '';

  it('RFC 8693: the service gets a token the IdP issued for its audience (same user, the app as actor), the trace headers, never the cookie', async () => {
    const { req, userToken } = await signedIn(app);
    const answer = await app.app.get(DownstreamHttpClient).getJson<{ details: string }>(req, serviceUrl, 'details-api');
    expect(answer).toEqual({ status: 200, body: { details: 'ok' } });
    const token = sentToken();
    expect(token).not.toBe(userToken);
    const claims = await verified(token, 'details-api');
    expect(claims).toMatchObject({ sub: DEMO_USER.sub, aud: 'details-api', act: { sub: CLIENT_ID }, realm_access: { roles: DEMO_USER.roles } });
    expect(decodeJwt(userToken).aud).toBe(DEV_IDP_DEFAULT_AUDIENCE);
    expect(seen[0]).toMatchObject(TRACE);
    expect(seen[0]!.cookie).toBeUndefined();
  });

  it('one exchange per session and audience while the token lives: later calls reuse it, another audience gets its own', async () => {
    const { req } = await signedIn(app);
    const client = app.app.get(DownstreamHttpClient);
    const before = grants['urn:ietf:params:oauth:grant-type:token-exchange'] ?? 0;
    await Promise.all([1, 2, 3].map(() => client.getJson(req, serviceUrl, 'details-api')));
    await client.getJson(req, serviceUrl, 'details-api');
    await client.getJson(req, serviceUrl, 'reviews-api');
    expect((grants['urn:ietf:params:oauth:grant-type:token-exchange'] ?? 0) - before).toBe(2);
    expect(new Set(seen.slice(0, 4).map((_, i) => sentToken(i))).size).toBe(1);
    expect((await verified(sentToken(4), 'reviews-api')).aud).toBe('reviews-api');
  });

  it('Entra on-behalf-of (AUTH_TOKEN_EXCHANGE=on-behalf-of): the jwt-bearer grant with scope api://details-api/.default gives a details-api token', async () => {
    const { req, userToken } = await signedIn(oboApp);
    const before = grants['urn:ietf:params:oauth:grant-type:jwt-bearer'] ?? 0;
    await oboApp.app.get(DownstreamHttpClient).getJson(req, serviceUrl, 'details-api');
    expect((grants['urn:ietf:params:oauth:grant-type:jwt-bearer'] ?? 0) - before).toBe(1);
    expect(sentToken()).not.toBe(userToken);
    expect(await verified(sentToken(), 'details-api')).toMatchObject({ sub: DEMO_USER.sub, aud: 'details-api' });
  });

  it('this API’s own audience is the only one that gets the user’s own token', async () => {
    const { req, userToken } = await signedIn(app);
    await app.app.get(DownstreamHttpClient).getJson(req, serviceUrl, DEV_IDP_DEFAULT_AUDIENCE);
    expect(sentToken()).toBe(userToken);
  });

  it('AUTH_TOKEN_EXCHANGE=off: a call for another audience fails before anything is sent', async () => {
    const { req } = await signedIn(offApp);
    await expect(offApp.app.get(DownstreamHttpClient).getJson(req, serviceUrl, 'details-api')).rejects.toBeInstanceOf(TokenExchangeFailedError);
    expect(seen).toHaveLength(0);
  });

  it('an audience the IdP does not know: TOKEN_EXCHANGE_FAILED (502), nothing sent, the session lives on', async () => {
    const { req, cookie } = await signedIn(app);
    await expect(app.app.get(DownstreamHttpClient).getJson(req, serviceUrl, 'payments-api')).rejects.toBeInstanceOf(TokenExchangeFailedError);
    expect(seen).toHaveLength(0);
    expect((await fetch(`${app.url}/auth/me`, { headers: { cookie: `${COOKIE}=${cookie}` } })).status).toBe(200);
  });

  it('the dev IdP exchanges only its own API tokens of the asking client: not an exchanged token, not another client’s, not a made-up one', async () => {
    const { req, userToken } = await signedIn(app);
    const exchanged = await app.app.get(ExchangedTokens).tokenFor(req.user!, 'details-api');
    const exchange = (subject: string, client = `${CLIENT_ID}:${CLIENT_SECRET}`) =>
      fetch(`${idp.issuer}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(client).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: subject,
          subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          audience: 'reviews-api',
        }),
      });
    expect((await exchange(userToken)).status).toBe(200);
    const again = await exchange(exchanged);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await exchange('not-a-token')).status).toBe(400);
    expect((await exchange(userToken, 'other-client:secret')).status).toBe(401);
  });

  it('a 401 from downstream drops the exchanged token and ends the session; the page asks for a login', async () => {
    const { req, cookie } = await signedIn(app);
    status = 401;
    await expect(app.app.get(DownstreamHttpClient).getJson(req, serviceUrl, 'details-api')).rejects.toBeInstanceOf(SessionEndedError);
    expect((await fetch(`${app.url}/auth/me`, { headers: { cookie: `${COOKIE}=${cookie}` } })).status).toBe(401);
  });
});
