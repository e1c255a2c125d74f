import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DownstreamHttpClient } from '../../src/auth/downstream-http.client.js';
import { SessionEndedError } from '../../src/auth/auth.errors.js';
import { SessionsService } from '../../src/auth/sessions/sessions.service.js';
import type { RequestWithUser } from '../../src/auth/auth-user.js';
import { DEV_IDP_DEFAULT_AUDIENCE } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { HttpBrowser, freePort, login, startAuthApp, startTestIdp, type AuthApp } from './support/oidc-harness.js';

const COOKIE = 'app_session';

describe('real IdP access tokens: introspection, JWT Bearer, and calling downstream as the user', () => {
  let idp: RunningDevIdp;
  let app: AuthApp;
  let opaqueIdp: RunningDevIdp;
  let opaqueApp: AuthApp;
  let introspecting: AuthApp;
  let downstream: Server;
  let downstreamUrl: string;
  const seen: IncomingHttpHeaders[] = [];
  let downstreamStatus = 200;

  beforeAll(async () => {
    const [port, port2] = [await freePort(), await freePort()];
    idp = await startTestIdp([`http://127.0.0.1:${port}`]);
    const env = { AUTH_PROVIDER: 'dev', OIDC_ISSUER_URL: idp.issuer, AUTH_SESSION_STORE: 'memory', AUTH_BEARER_AUDIENCE: DEV_IDP_DEFAULT_AUDIENCE };
    app = await startAuthApp(port, env);
    // Opaque access tokens: only the IdP can say whether they are active.
    const port3 = await freePort();
    opaqueIdp = await startTestIdp([`http://127.0.0.1:${port3}`], { accessTokenFormat: 'opaque' });
    const opaqueEnv = { ...env, OIDC_ISSUER_URL: opaqueIdp.issuer, AUTH_BEARER: 'introspection' };
    opaqueApp = await startAuthApp(port3, opaqueEnv);
    introspecting = await startAuthApp(port2, { ...opaqueEnv, PUBLIC_BASE_URL: `http://127.0.0.1:${port3}` });
    downstream = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(downstreamStatus, { 'content-type': 'application/json' }).end('{"details":"ok"}');
    });
    await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
    downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}/details/0`;
  });

  afterAll(async () => {
    await introspecting?.close();
    await opaqueApp?.close();
    await opaqueIdp?.close();
    await app?.close();
    await idp?.close();
    downstream?.closeAllConnections();
    await new Promise((resolve) => downstream?.close(resolve));
  });

  async function signedIn() {
    const browser = new HttpBrowser();
    await login(browser, app.url);
    const cookie = browser.cookies(app.url).get(COOKIE)!;
    const session = (await app.app.get(SessionsService).fromCookie(cookie))!;
    return { cookie, session };
  }

  it('the IdP’s own access token is accepted as a Bearer JWT (JWKS, issuer, audience)', async () => {
    const { session } = await signedIn();
    const res = await fetch(`${app.url}/auth/me`, { headers: { authorization: `Bearer ${session.accessToken}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ sub: 'demo-user-0001', roles: ['user', 'codes-reader'], via: 'bearer' });
  });

  it('AUTH_BEARER=introspection: an active opaque token passes (RFC 7662), an unknown one does not', async () => {
    const browser = new HttpBrowser();
    await login(browser, opaqueApp.url);
    const session = (await opaqueApp.app.get(SessionsService).fromCookie(browser.cookies(opaqueApp.url).get(COOKIE)))!;
    expect(session.accessToken).not.toMatch(/^eyJ/);
    const ok = await fetch(`${introspecting.url}/auth/me`, { headers: { authorization: `Bearer ${session.accessToken}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { sub: string }).sub).toBe('demo-user-0001');
    const bad = await fetch(`${introspecting.url}/auth/me`, { headers: { authorization: 'Bearer opaque-token-nobody-issued' } });
    expect(bad.status).toBe(401);
  });

  it('forwards the user’s access token and the tracing headers; a downstream 401 ends the session', async () => {
    const { cookie, session } = await signedIn();
    const client = app.app.get(DownstreamHttpClient);
    const trace = {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'x-request-id': 'req-123',
      'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7',
      'x-b3-spanid': 'e457b5a2e4d86bd1',
      'x-b3-parentspanid': '05e3ac9a4f6e3b90',
      'x-b3-sampled': '1',
      'x-b3-flags': '0',
      cookie: `${COOKIE}=${cookie}`,
    };
    const req = { headers: trace, user: { sub: session.sub, name: session.name, roles: session.roles, via: 'session', sessionId: session.id, accessToken: session.accessToken } } as unknown as RequestWithUser;

    downstreamStatus = 200;
    seen.length = 0;
    const answer = await client.getJson<{ details: string }>(req, downstreamUrl);
    expect(answer).toEqual({ status: 200, body: { details: 'ok' } });
    expect(seen[0]).toMatchObject({
      authorization: `Bearer ${session.accessToken}`,
      traceparent: trace.traceparent,
      'x-request-id': 'req-123',
      'x-b3-traceid': trace['x-b3-traceid'],
      'x-b3-spanid': trace['x-b3-spanid'],
      'x-b3-parentspanid': trace['x-b3-parentspanid'],
      'x-b3-sampled': '1',
      'x-b3-flags': '0',
    });
    expect(seen[0]!.cookie).toBeUndefined(); // the browser's cookie is never forwarded

    downstreamStatus = 401;
    await expect(client.getJson(req, downstreamUrl)).rejects.toBeInstanceOf(SessionEndedError);
    expect((await fetch(`${app.url}/auth/me`, { headers: { cookie: `${COOKIE}=${cookie}` } })).status).toBe(401);
  });
});
