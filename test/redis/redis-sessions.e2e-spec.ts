import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { CLIENT_ID, HttpBrowser, freePort, login, startAuthApp, startTestIdp, type AuthApp } from '../auth/support/oidc-harness.js';
import { startRedis, type RedisServerHandle } from '../support/redis.js';

const COOKIE = 'app_session';

/**
 * AUTH_SESSION_STORE=redis end to end: two app instances (no sticky sessions) sharing sessions
 * through a real redis-server, the same connection as THROTTLE_STORE=redis.
 */
const READINESS_TOKEN = 'readiness-details-token-for-tests';

describe('AUTH_SESSION_STORE=redis: two app instances share sessions; back-channel logout reaches both', () => {
  let redis: RedisServerHandle;
  let idp: RunningDevIdp;
  let a: AuthApp;
  let b: AuthApp;

  beforeAll(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const publicBase = `http://127.0.0.1:${portA}`;
    redis = await startRedis();
    idp = await startTestIdp([publicBase]);
    const env = {
      AUTH_PROVIDER: 'dev',
      OIDC_ISSUER_URL: idp.issuer,
      AUTH_SESSION_STORE: 'redis',
      THROTTLE_STORE: 'redis',
      REDIS_URL: redis.url,
      PUBLIC_BASE_URL: publicBase,
      // Readiness details are for the metrics-token holder only.
      METRICS_AUTH: 'token',
      SECRET_METRICS_SCRAPE_TOKEN: READINESS_TOKEN,
    };
    a = await startAuthApp(portA, env);
    b = await startAuthApp(portB, env);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await idp?.close();
    await redis?.stop();
  });

  const meOn = (app: AuthApp, cookie: string) => fetch(`${app.url}/auth/me`, { headers: { cookie: `${COOKIE}=${cookie}` } });

  it('a session made on one instance is accepted by the other, and lives in Redis with a TTL', async () => {
    const browser = new HttpBrowser();
    await login(browser, a.url);
    const cookie = browser.cookies(a.url).get(COOKIE)!;
    const onB = await meOn(b, cookie);
    expect(onB.status).toBe(200);
    expect(await onB.json()).toMatchObject({ name: 'Dana Demo', via: 'session' });
    const admin = redis.admin();
    const keys = await admin.keys('ias:{sessions}:s:*');
    expect(keys.length).toBeGreaterThan(0);
    expect(await admin.pttl(keys[0]!)).toBeGreaterThan(0);
  });

  it('logging out at the IdP ends the session on both instances (back-channel logout via the sid index)', async () => {
    const browser = new HttpBrowser();
    await login(browser, a.url);
    const cookie = browser.cookies(a.url).get(COOKIE)!;
    expect((await meOn(b, cookie)).status).toBe(200);
    const page = await browser.follow(`${idp.issuer}/session/end?client_id=${CLIENT_ID}`);
    const html = await page.res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    await browser.follow(new URL(action, page.url).href, undefined, { form: { xsrf, logout: 'yes' } });
    expect((await meOn(a, cookie)).status).toBe(401);
    expect((await meOn(b, cookie)).status).toBe(401);
  });

  it('readiness reports Redis as required when sessions live there', async () => {
    const res = await fetch(`${a.url}/health/ready`, { headers: { authorization: `Bearer ${READINESS_TOKEN}` } });
    const body = (await res.json()) as { details?: Record<string, Record<string, unknown>> };
    expect(body.details?.redis).toMatchObject({ status: 'up', usedBy: 'THROTTLE_STORE=redis, AUTH_SESSION_STORE=redis' });
  });

  it('Redis down: a request that needs the session answers 503 REDIS_UNAVAILABLE, public pages still answer, readiness reports it down', async () => {
    const browser = new HttpBrowser();
    await login(browser, a.url);
    const cookie = browser.cookies(a.url).get(COOKIE)!;
    await redis.kill();
    const me = await meOn(b, cookie);
    expect(me.status).toBe(503);
    expect(await me.json()).toMatchObject({ error: 'REDIS_UNAVAILABLE' });
    expect((await fetch(`${a.url}/`)).status).toBe(200);
    const ready = await fetch(`${a.url}/health/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { details?: Record<string, Record<string, unknown>> };
    expect(body.details?.redis).toMatchObject({ status: 'down' });
  });
});
