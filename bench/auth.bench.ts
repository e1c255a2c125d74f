import type { ChildProcess } from 'node:child_process';
import type { Result } from 'autocannon';
import type { BenchResult, BenchSection } from './bench-section.js';
import { applyLayout, layoutNote, serverCpu, startNode, stopNode, type Layout } from './support/processes.js';
import { QUICK, seconds } from './support/settings.js';
import { percentile } from './support/http.js';
import { benchSite, load as loadPhase, loadFigures, measuredLayouts, signedInAppEnv, startBenchIdp, startBenchRedis, startSiteFronts } from './support/signed-in-apps.js';
import { ENTRY } from './support/entries.js';
import { startAzurite } from '../test/support/azurite.js';
import { CLIENT_ID, CLIENT_SECRET, HttpBrowser, login } from '../test/auth/support/oidc-harness.js';
import type { HttpsFront } from '../test/auth/support/https-front.js';
import { fixed, markdownTable, ratio } from './support/table.js';

const LOGINS = QUICK ? 60 : 200;
const CONNECTIONS = 16;
const DURATION_S = seconds(6);
const WARMUP_S = seconds(2);
const ROUNDS = QUICK ? 1 : 2;
/** The session cookie's name when PUBLIC_BASE_URL is https (production), see sessions.config.ts. */
const COOKIE = '__Host-app_session';
type Variant = 'anonymous' | 'table' | 'cached' | 'redis' | 'bearer';
const NAMES: Variant[] = ['anonymous', 'bearer', 'redis', 'cached', 'table'];
const LABELS: Record<Variant, string> = {
  anonymous: 'anonymous',
  table: 'session cookie, Table store, no cache (one Table read per request)',
  cached: 'session cookie, Table store with its cache (AUTH_SESSION_CACHE_MS=2000)',
  redis: 'session cookie, AUTH_SESSION_STORE=redis (real redis-server)',
  bearer: 'Bearer JWT',
};

interface LayoutRun {
  layout: Layout;
  loginMs: number[];
  plainMs: number[];
  runs: Partial<Record<Variant, Result[]>>;
  redisSkipped?: string;
}

/**
 * Login: (1) the full login round trip through the dev IdP (app /auth/login → IdP authorize →
 * login form POST → IdP redirect → app /auth/callback → /auth/me), sequential, median and p99,
 * set against a plain anonymous request to the same app measured in the same run; (2) the
 * throughput of GET / (a public page that recognises the caller) with a session cookie on each
 * session store (Table without and with its cache, Redis) and with a Bearer JWT, each as a ratio
 * of the anonymous throughput on the same route, same run. The apps run as their production build
 * (start:prod flags, NODE_ENV=production, default log level) in their own processes, in both CPU
 * layouts; load is loopback only, bounded in time.
 */
export const authBench: BenchSection = {
  name: 'Login',
  async run(): Promise<BenchResult> {
    const results: LayoutRun[] = [];
    for (const layout of measuredLayouts()) results.push(await runLayout(layout));
    const lines: string[] = [];
    const targets: BenchResult['targets'] = [];
    for (const r of results) {
      const { rps, p99, bad } = loadFigures(r.runs);
      const loginMedian = percentile(r.loginMs, 50);
      const loginP99 = percentile(r.loginMs, 99);
      const plainMedian = percentile(r.plainMs, 50);
      const measured = NAMES.filter((n) => r.runs[n]);
      lines.push(
        `### Login, ${r.layout}`,
        '',
        layoutNote(r.layout),
        '',
        `Login round trip (login → dev IdP form → callback → /auth/me), ${LOGINS} sequential logins, Table-backed sessions on Azurite:`,
        '',
        ...markdownTable(
          ['figure', 'median ms', 'p99 ms', 'p99 / median'],
          [
            ['login round trip', fixed(loginMedian, 1), fixed(loginP99, 1), ratio(loginP99, loginMedian)],
            ['anonymous GET / (reference)', fixed(plainMedian, 2), fixed(percentile(r.plainMs, 99), 2), ratio(percentile(r.plainMs, 99), plainMedian)],
          ],
        ),
        '',
        `Throughput of GET / (${CONNECTIONS} connections, ${ROUNDS}×${DURATION_S} s each, interleaved):`,
        '',
        ...markdownTable(
          ['caller', 'req/s', 'p99 ms', 'throughput vs anonymous', 'errors/non-2xx'],
          [
            ...measured.map((name) => [LABELS[name], fixed(rps(name), 0), fixed(p99(name), 1), ratio(rps(name), rps('anonymous')), bad(name)]),
            ...(r.redisSkipped ? [[LABELS.redis, `skipped: ${r.redisSkipped}`, '', '', '']] : []),
          ],
        ),
        '',
      );
      const L = `[${r.layout}]`;
      const vs = (name: Variant) => rps(name) / rps('anonymous');
      targets.push({ name: `${L} GET / with a Bearer JWT vs anonymous ≥ 0.85×`, ok: vs('bearer') >= 0.85, detail: ratio(rps('bearer'), rps('anonymous')) });
      targets.push(
        r.redisSkipped
          ? { name: `${L} GET / with a session cookie vs anonymous, AUTH_SESSION_STORE=redis ≥ 0.8×`, ok: false, detail: `skipped: ${r.redisSkipped}`, skipped: true }
          : { name: `${L} GET / with a session cookie vs anonymous, AUTH_SESSION_STORE=redis ≥ 0.8×`, ok: vs('redis') >= 0.8, detail: ratio(rps('redis'), rps('anonymous')) },
      );
      targets.push({ name: `${L} same on the Table store with its cache ≥ 0.8×`, ok: vs('cached') >= 0.8, detail: `${ratio(rps('cached'), rps('anonymous'))} (no cache: ${ratio(rps('table'), rps('anonymous'))})` });
      targets.push({ name: `${L} login round trip p99 ≤ 4× median`, ok: loginP99 <= 4 * loginMedian, detail: `${fixed(loginP99, 1)} / ${fixed(loginMedian, 1)} ms = ${ratio(loginP99, loginMedian)}` });
      targets.push({ name: `${L} no failed requests under load`, ok: measured.every((n) => bad(n) === 0), detail: measured.map((n) => `${n} ${bad(n)}`).join(', ') });
    }
    return { lines, targets };
  },
};

async function runLayout(layout: Layout): Promise<LayoutRun> {
  applyLayout(layout);
  const cpu = serverCpu(layout);
  const azurite = await startAzurite();
  const sites = { table: await benchSite(), cached: await benchSite(), redis: await benchSite() };
  // The load goes to each app's own port; a browser signs in through its HTTPS front (PUBLIC_BASE_URL).
  const appUrl = sites.table.url;
  const { issuer, close: closeIdp } = await startBenchIdp(Object.values(sites));
  const procs: ChildProcess[] = [];
  let fronts: HttpsFront[] = [];
  let redisServer: ChildProcess | undefined;
  try {
    const envFor = async (site: (typeof sites)['table'], extra: Record<string, string> = {}) => ({ ...(await signedInAppEnv(issuer, azurite.connectionString, site)), ...extra });
    procs.push((await startNode(ENTRY.api, [], await envFor(sites.table), /API listening/, cpu)).child);
    // A second instance on the same session table that may reuse a session read for 2 s.
    procs.push((await startNode(ENTRY.api, [], await envFor(sites.cached, { AUTH_SESSION_CACHE_MS: '2000' }), /API listening/, cpu)).child);

    // A third on AUTH_SESSION_STORE=redis against a real redis-server, when this build has it.
    let redisSkipped: string | undefined;
    const redis = await startBenchRedis();
    if ('skipped' in redis) redisSkipped = redis.skipped;
    else {
      redisServer = redis.child;
      try {
        procs.push((await startNode(ENTRY.api, [], await envFor(sites.redis, { AUTH_SESSION_STORE: 'redis', REDIS_URL: redis.url }), /API listening/, cpu)).child);
      } catch (error) {
        const text = String((error as Error).message);
        redisSkipped = /AUTH_SESSION_STORE|REDIS_URL/.test(text) ? 'store not available (this build does not accept AUTH_SESSION_STORE=redis)' : `the app did not start: ${text.split('\n').slice(1, 3).join(' ').slice(0, 200)}`;
      }
    }

    fronts = await startSiteFronts(Object.values(sites));

    // (1) Login round trips (through the HTTPS fronts, as a browser signs in), interleaved with
    // anonymous requests as the in-run reference.
    const loginMs: number[] = [];
    const plainMs: number[] = [];
    let cookie = '';
    let lastBrowser = new HttpBrowser();
    for (let i = 0; i < LOGINS; i++) {
      const t0 = performance.now();
      await fetch(`${appUrl}/`).then((r) => r.text());
      plainMs.push(performance.now() - t0);

      const browser = new HttpBrowser();
      const t1 = performance.now();
      await login(browser, sites.table.publicUrl);
      const me = await browser.request(`${sites.table.publicUrl}/auth/me`);
      if (me.status !== 200) throw new Error(`login round trip ended with /auth/me ${me.status}`);
      await me.text();
      loginMs.push(performance.now() - t1);
      cookie = browser.cookies(sites.table.publicUrl).get(COOKIE)!;
      lastBrowser = browser;
    }
    // A real access token from the IdP for the Bearer run (the app never hands tokens out).
    const accessToken = await idpAccessToken(lastBrowser, issuer, sites.table.publicUrl);
    let redisCookie = '';
    if (!redisSkipped) {
      const browser = new HttpBrowser();
      await login(browser, sites.redis.publicUrl);
      redisCookie = browser.cookies(sites.redis.publicUrl).get(COOKIE)!;
    }

    // (2) Throughput on GET /: anonymous vs session cookie (each store) vs Bearer JWT.
    const variants: Partial<Record<Variant, { url: string; headers: Record<string, string> }>> = {
      anonymous: { url: `${appUrl}/`, headers: {} },
      bearer: { url: `${appUrl}/`, headers: { authorization: `Bearer ${accessToken}` } },
      ...(redisSkipped ? {} : { redis: { url: `${sites.redis.url}/`, headers: { cookie: `${COOKIE}=${redisCookie}` } } }),
      cached: { url: `${sites.cached.url}/`, headers: { cookie: `${COOKIE}=${cookie}` } },
      table: { url: `${appUrl}/`, headers: { cookie: `${COOKIE}=${cookie}` } },
    };
    for (const [name, v] of Object.entries(variants)) {
      const html = await (await fetch(v.url, { headers: v.headers })).text();
      const signedIn = html.includes('id="user-name"');
      if (signedIn !== (name !== 'anonymous')) throw new Error(`GET / as ${name} did not ${name === 'anonymous' ? 'stay anonymous' : 'recognise the user'}`);
    }
    for (const v of Object.values(variants)) await load(v.url, v.headers, WARMUP_S);
    const runs: Partial<Record<Variant, Result[]>> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, v] of Object.entries(variants) as Array<[Variant, { url: string; headers: Record<string, string> }]>) {
        (runs[name] ??= []).push(await load(v.url, v.headers, DURATION_S));
      }
    }
    return { layout, loginMs, plainMs, runs, redisSkipped };
  } finally {
    for (const f of fronts) await f.close();
    for (const p of procs.reverse()) await stopNode(p);
    if (redisServer) await stopNode(redisServer);
    await closeIdp();
    await azurite.stop();
    applyLayout('unpinned');
  }
}

/**
 * A real access token from the dev IdP: the code flow done as the client would, in a browser that
 * already has an IdP session (so no form), redeemed at the token endpoint directly.
 */
export async function idpAccessToken(browser: HttpBrowser, issuer: string, appUrl: string): Promise<string> {
  const { randomPKCECodeVerifier, calculatePKCECodeChallenge } = await import('openid-client');
  const verifier = randomPKCECodeVerifier();
  const authorize = new URL(`${issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    scope: 'openid profile',
    redirect_uri: `${appUrl}/auth/callback`,
    code_challenge: await calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: 'bench-state',
    nonce: 'bench-nonce',
  }).toString();
  const { url } = await browser.follow(authorize.href, (u) => u.pathname === '/auth/callback');
  const code = new URL(url).searchParams.get('code');
  if (!code) throw new Error(`no authorization code for the Bearer run (ended at ${url})`);
  const token = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: `${appUrl}/auth/callback`, code_verifier: verifier }),
  });
  const body = (await token.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token endpoint: ${JSON.stringify(body)}`);
  return body.access_token;
}

function load(url: string, headers: Record<string, string>, duration: number): Promise<Result> {
  return loadPhase(url, headers, duration, CONNECTIONS);
}

