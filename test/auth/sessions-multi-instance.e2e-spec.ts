import { SignJWT, importJWK } from 'jose';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { spawnEntry, type SpawnedProcess, stopAll } from '../support/processes.js';
import { DEMO_USER } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { type RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { CLIENT_ID, HttpBrowser, apiProcessEnv, freePort, login, startTestIdp } from './support/oidc-harness.js';

const COOKIE = 'app_session';
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Instance {
  url: string;
  process: SpawnedProcess;
}

/**
 * Two (or three) REAL API processes (dist/apps/api/main.js) behind one public URL, sharing sessions through
 * the Table store on a real Azurite, with a real oidc-provider dev IdP in the test process: the
 * idle timeout, a back-channel `jti` replay and a concurrent refresh with rotating refresh tokens
 * must hold across instances, not just inside one.
 */
describe('sessions across real API processes (Table store on Azurite)', () => {
  let azurite: AzuriteHandle;
  let idp: RunningDevIdp;
  const spawned: SpawnedProcess[] = [];
  let publicBase: string;
  /** Refresh grants that reached the IdP (successful and refused). */
  const refreshGrants = { ok: 0, refused: 0 };

  const start = async (port: number, extra: Record<string, string>): Promise<Instance> => {
    const child = spawnEntry('apps/api/main.js', apiProcessEnv(port, idp.issuer, azurite.connectionString, publicBase, extra));
    spawned.push(child);
    await child.waitFor(/API listening/);
    return { url: `http://127.0.0.1:${port}`, process: child };
  };
  const me = (app: Instance, cookie: string) => fetch(`${app.url}/auth/me`, { headers: { cookie: `${COOKIE}=${cookie}` } });
  const signIn = async (app: Instance): Promise<string> => {
    const browser = new HttpBrowser();
    await login(browser, app.url);
    const cookie = browser.cookies(app.url).get(COOKIE);
    if (!cookie) throw new Error('no session cookie after login');
    return cookie;
  };

  let portA: number;
  let portB: number;

  beforeAll(async () => {
    [portA, portB] = [await freePort(), await freePort()];
    publicBase = `http://127.0.0.1:${portA}`;
    azurite = await startAzurite();
    // Short access tokens so a refresh falls due within the test; rotation on (the dev IdP's default).
    idp = await startTestIdp([publicBase, `http://127.0.0.1:${portB}`], { ttl: { accessToken: 10 }, rotateRefreshToken: true });
    idp.provider.on('grant.success', (...args: unknown[]) => {
      const ctx = args[0] as { oidc: { params?: { grant_type?: string } } };
      if (ctx.oidc.params?.grant_type === 'refresh_token') refreshGrants.ok++;
    });
    idp.provider.on('grant.error', (...args: unknown[]) => {
      const ctx = args[0] as { oidc: { params?: { grant_type?: string } } };
      if (ctx.oidc.params?.grant_type === 'refresh_token') refreshGrants.refused++;
    });
  }, 60_000);

  afterEach(() => stopAll(spawned), 30_000);

  afterAll(async () => {
    await idp?.close();
    await azurite?.stop();
  });

  it('idle timeout: use on A moves the deadline for B; idle past AUTH_SESSION_IDLE_SECONDS, refused on both (B caching)', async () => {
    // 5 s idle: short enough to wait for, with seconds of margin for a loaded machine.
    const env = { AUTH_SESSION_TABLE: 'idlesessions', AUTH_SESSION_IDLE_SECONDS: '5' };
    const [a, b] = await Promise.all([start(portA, env), start(portB, { ...env, AUTH_SESSION_CACHE_MS: '30000' })]);
    const cookie = await signIn(a);
    expect((await me(b, cookie)).status).toBe(200); // B caches it (up to 30 s)
    await sleep(3000);
    expect((await me(a, cookie)).status).toBe(200); // a use on A, 3 s in: the deadline moves to ~8 s
    await sleep(3000);
    expect((await me(b, cookie)).status).toBe(200); // 6 s after login (past the first deadline), 3 s after the use on A
    await sleep(6500); // idle: 6.5 s since the last use
    expect((await me(b, cookie)).status).toBe(401);
    expect((await me(a, cookie)).status).toBe(401);
  }, 60_000);

  it('back-channel logout: a jti accepted by instance A is refused by instance B (replay)', async () => {
    const env = { AUTH_SESSION_TABLE: 'bclsessions' };
    const [a, b] = await Promise.all([start(portA, env), start(portB, env)]);
    const cookie = await signIn(a);
    const key = idp.keys[0]!;
    const token = await new SignJWT({ iss: idp.issuer, aud: CLIENT_ID, jti: `replay-${Date.now()}`, sub: DEMO_USER.sub, events: { [BACKCHANNEL_EVENT]: {} } })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'logout+jwt' })
      .setIssuedAt()
      .sign(await importJWK(key, 'RS256'));
    const post = (app: Instance) =>
      fetch(`${app.url}/auth/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }),
      });
    expect((await post(a)).status).toBe(200);
    expect((await me(b, cookie)).status).toBe(401);
    const later = await signIn(a); // a new session the replay would end
    const replay = await post(b);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'INVALID_LOGOUT_TOKEN' });
    expect((await post(a)).status).toBe(400);
    expect((await me(b, later)).status).toBe(200);
  }, 60_000);

  it('refresh across replicas with rotating refresh tokens: concurrent requests on A and B, one refresh grant, user stays signed in', async () => {
    // AT lives 10 s; refreshed when < 7 s are left: due 3 s after it was issued.
    const env = { AUTH_SESSION_TABLE: 'refreshsessions', AUTH_REFRESH_BEFORE_SECONDS: '7' };
    const [a, b] = await Promise.all([start(portA, env), start(portB, env)]);
    const cookie = await signIn(a);
    expect((await me(b, cookie)).status).toBe(200);
    const before = { ...refreshGrants };
    await sleep(3500); // the refresh is now due
    const answers = await Promise.all([a, b, a, b, a, b].map((app) => me(app, cookie)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(refreshGrants.ok - before.ok).toBe(1);
    expect(refreshGrants.refused - before.refused).toBe(0); // nobody sent a spent refresh token
    // The grant is intact: the next refresh (with the rotated token) works, from either instance.
    await sleep(3500);
    const again = await Promise.all([b, a].map((app) => me(app, cookie)));
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    expect(refreshGrants.ok - before.ok).toBe(2);
    expect(refreshGrants.refused - before.refused).toBe(0);
  }, 60_000);
});

