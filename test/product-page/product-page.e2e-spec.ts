import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { spawnEntry, type SpawnedProcess } from '../support/processes.js';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DEMO_USER } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { localStackParts } from '../../src/dev/local-stack/local-stack.parts.js';
import { CLIENT_ID, HttpBrowser, SAMPLE_TRACE_HEADERS, apiProcessEnv, freePort, login, startTestIdp } from '../auth/support/oidc-harness.js';

const COOKIE = 'app_session';
const TRACE = SAMPLE_TRACE_HEADERS;
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

interface StandinLine {
  service?: string;
  status?: number;
  sub?: string;
  aud?: string[];
  trace?: Record<string, string>;
}

/**
 * Seed 003's product page for real: two API processes (sessions and exchanged tokens shared in
 * Table Storage on Azurite), the details and reviews stand-ins as the local stack runs them
 * (their parts' scripts and ready lines), and the dev IdP. Each service accepts only a Bearer token
 * for its own audience.
 */
describe('the product page calls details and reviews with exchanged tokens', () => {
  let azurite: AzuriteHandle;
  let idp: RunningDevIdp;
  const apis: SpawnedProcess[] = [];
  const standins = new Map<string, SpawnedProcess>();
  const standinPorts = new Map<string, number>();
  let a = '';
  let b = '';
  /** Every access token the IdP issued (logins, refreshes, exchanges). */
  const issued: string[] = [];
  let exchanges = 0;

  const standinEnv = () => ({ NODE_ENV: 'test', AUTH_PROVIDER: 'dev', OIDC_ISSUER_URL: idp.issuer, OIDC_CLIENT_ID: CLIENT_ID, PUBLIC_BASE_URL: a });

  /** A stand-in started from its local-stack part (script, ready line), on a port of its own. */
  async function startStandin(name: 'details' | 'reviews', extra: Record<string, string> = {}): Promise<void> {
    standins.get(name)?.kill('SIGTERM');
    await standins.get(name)?.exited();
    const part = localStackParts({}).find((p) => p.name === name)!;
    const child = spawnEntry(part.script.replace(/^dist\//, ''), { ...standinEnv(), [`${name.toUpperCase()}_STANDIN_PORT`]: String(standinPorts.get(name)), ...extra });
    standins.set(name, child);
    await child.waitFor(part.readyWhen);
  }

  const lines = (name: string): StandinLine[] =>
    standins
      .get(name)!
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as StandinLine)
      .filter((l) => l.status !== undefined);
  const settled = (name: string, count: number) =>
    standins
      .get(name)!
      .waitFor(() => lines(name).length >= count, 5_000)
      .catch(() => undefined);

  beforeAll(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    [a, b] = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`];
    standinPorts.set('details', await freePort());
    standinPorts.set('reviews', await freePort());
    azurite = await startAzurite();
    idp = await startTestIdp([a]);
    idp.provider.on('grant.success', (...args: unknown[]) => {
      const ctx = args[0] as { oidc: { params?: { grant_type?: string } }; body?: { access_token?: string } };
      if (ctx.body?.access_token) issued.push(ctx.body.access_token);
      if (ctx.oidc.params?.grant_type === TOKEN_EXCHANGE) exchanges++;
    });
    await Promise.all([startStandin('details'), startStandin('reviews')]);
    const startApi = async (port: number) => {
      const child = spawnEntry(
        'apps/api/main.js',
        apiProcessEnv(port, idp.issuer, azurite.connectionString, a, {
          LOG_LEVEL: 'debug',
          // Every line written at once (no 1 s batch): the token scan reads all of it.
          LOG_FLUSH_MS: '0',
          AUTH_SESSION_TABLE: 'productsessions',
          DETAILS_API_URL: `http://127.0.0.1:${standinPorts.get('details')}`,
          REVIEWS_API_URL: `http://127.0.0.1:${standinPorts.get('reviews')}`,
        }),
      );
      apis.push(child);
      await child.waitFor(/API listening/);
    };
    await Promise.all([startApi(portA), startApi(portB)]);
  }, 90_000);

  afterAll(async () => {
    for (const child of [...apis, ...standins.values()]) {
      child.kill('SIGTERM');
      await child.exited();
    }
    await idp?.close();
    await azurite?.stop();
  });

  const productPage = (base: string, cookie: string) => fetch(`${base}/productpage`, { redirect: 'manual', headers: { cookie: `${COOKIE}=${cookie}`, ...TRACE } });

  it('anonymous: /productpage sends the browser to log in and come back', async () => {
    const answer = await fetch(`${a}/productpage`, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe('/auth/login?returnTo=%2Fproductpage');
  });

  it('signed in: details and reviews, each called with a token for its own audience and the request’s trace headers; one exchange per audience shared by both instances', async () => {
    const browser = new HttpBrowser();
    const { url } = await login(browser, a, '/productpage');
    expect(url).toBe(`${a}/productpage`);
    const cookie = browser.cookies(a).get(COOKIE)!;
    const before = { exchanges, details: lines('details').length, reviews: lines('reviews').length };

    for (const base of [a, b, a]) {
      const answer = await productPage(base, cookie);
      expect(answer.status).toBe(200);
      const html = await answer.text();
      expect(html).toContain('<section id="details" data-status="200">');
      expect(html).toContain('<dd id="details-author">William Shakespeare</dd>');
      expect(html).toContain('<section id="reviews" data-status="200">');
      expect(html.match(/<blockquote class="review">/g)).toHaveLength(2);
      expect(html).toContain(`<span id="user-name">${DEMO_USER.name}</span>`);
    }
    // A stand-in's request line can reach this process after the page did: wait for all three.
    await settled('details', before.details + 3);
    await settled('reviews', before.reviews + 3);
    const details = lines('details').slice(before.details);
    const reviews = lines('reviews').slice(before.reviews);
    expect(details).toHaveLength(3);
    expect(reviews).toHaveLength(3);
    for (const line of details) expect(line).toMatchObject({ status: 200, sub: DEMO_USER.sub, aud: ['details-api'], trace: TRACE });
    for (const line of reviews) expect(line).toMatchObject({ status: 200, sub: DEMO_USER.sub, aud: ['reviews-api'], trace: TRACE });
    // Instance B reused the tokens A exchanged (the session store's shared space), not the IdP.
    expect(exchanges - before.exchanges).toBe(2);
  }, 60_000);

  it('no token the IdP issued appears in any process’s log (LOG_LEVEL=debug)', () => {
    expect(issued.length).toBeGreaterThanOrEqual(3);
    const outputs = [...apis, ...standins.values()].map((p) => p.output());
    for (const token of issued) for (const output of outputs) expect(output.includes(token)).toBe(false);
  });

  it('a 401 from one of them (reviews no longer accepts the token) ends the session on both instances and sends the browser to log in again', async () => {
    const browser = new HttpBrowser();
    await login(browser, a);
    const cookie = browser.cookies(a).get(COOKIE)!;
    expect((await productPage(b, cookie)).status).toBe(200);
    // The reviews service now wants another audience: the exchanged reviews-api token is refused.
    await startStandin('reviews', { REVIEWS_STANDIN_AUDIENCE: 'reviews-api-v2' });
    const refusedBefore = lines('reviews').length;
    const answer = await productPage(b, cookie);
    expect(answer.status).toBe(302);
    await settled('reviews', refusedBefore + 1);
    expect(answer.headers.get('location')).toBe('/auth/login?returnTo=%2Fproductpage');
    expect(lines('reviews').at(-1)).toMatchObject({ status: 401 });
    for (const base of [a, b]) expect((await fetch(`${base}/auth/me`, { headers: { cookie: `${COOKIE}=${cookie}` } })).status).toBe(401);
    await startStandin('reviews');
  }, 60_000);
});
