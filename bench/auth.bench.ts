import type { ChildProcess } from 'node:child_process';
import autocannon, { type Result } from 'autocannon';
import type { BenchResult, BenchSection } from './bench-section.js';
import { startNode, stopNode } from './support/processes.js';
import { ENTRY } from './support/entries.js';
import { startAzurite } from '../test/support/azurite.js';
import { freePort } from '../test/support/ports.js';
import { CLIENT_ID, CLIENT_SECRET, HttpBrowser, SESSION_SECRET, login, startTestIdp } from '../test/auth/support/oidc-harness.js';
import { fixed, markdownTable, ratio } from './support/table.js';

const LOGINS = 200;
const CONNECTIONS = 16;
const DURATION_S = 6;
const WARMUP_S = 2;
const ROUNDS = 2;
const COOKIE = 'app_session';
const NAMES = ['anonymous', 'session', 'cached', 'bearer'];
const LABELS: Record<string, string> = {
  anonymous: 'anonymous',
  session: 'session cookie (store read per request, default)',
  cached: 'session cookie, AUTH_SESSION_CACHE_MS=2000',
  bearer: 'Bearer JWT',
};

/**
 * Login: (1) the full login round trip through the dev IdP (app /auth/login → IdP authorize →
 * login form POST → IdP redirect → app /auth/callback → /auth/me), sequential, median and p99,
 * set against a plain anonymous request to the same app measured in the same run; (2) the
 * throughput of GET / (a public page that recognises the caller) with a session cookie (one Table
 * Storage read per request, Azurite) and with a Bearer JWT (signature check against cached JWKS),
 * each as a ratio of the anonymous throughput on the same route. The app runs as its production
 * build in its own process; load is loopback only, bounded in time.
 */
export const authBench: BenchSection = {
  name: 'Login',
  async run(): Promise<BenchResult> {
    const azurite = await startAzurite();
    const appPort = await freePort();
    const appUrl = `http://127.0.0.1:${appPort}`;
    const idp = await startTestIdp([appUrl]);
    let app: { child: ChildProcess } | undefined;
    let cachedApp: { child: ChildProcess } | undefined;
    const cachedPort = await freePort();
    try {
      const appEnv = {
          PORT: String(appPort),
          HOST: '127.0.0.1',
          NODE_ENV: 'production',
          LOG_LEVEL: 'info',
          THROTTLE_LIMIT: '10000000',
          THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/api/RandomNumber',
          SECRET_THIRD_PARTY_API_KEY: 'unused',
          AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
          PUBLIC_BASE_URL: appUrl,
          // The dev IdP as a generic issuer: AUTH_PROVIDER=dev is refused in production.
          AUTH_PROVIDER: 'oidc',
          OIDC_ISSUER_URL: idp.issuer,
          OIDC_ALLOW_HTTP: 'true',
          AUTH_COOKIE_SECURE: 'false',
          AUTH_ROLE_MAPPING: 'keycloak',
          AUTH_BEARER_AUDIENCE: 'integrated-auth-api',
          OIDC_CLIENT_ID: CLIENT_ID,
          SECRET_OIDC_CLIENT_SECRET: CLIENT_SECRET,
          SECRET_SESSION_SECRET: SESSION_SECRET,
      };
      app = await startNode(ENTRY.api, [], appEnv, /API listening/);
      // A second instance on the same session table that may reuse a session read for 2 s.
      cachedApp = await startNode(ENTRY.api, [], { ...appEnv, PORT: String(cachedPort), AUTH_SESSION_CACHE_MS: '2000' }, /API listening/);
      const cachedUrl = `http://127.0.0.1:${cachedPort}`;

      // (1) Login round trips, interleaved with anonymous requests as the in-run reference.
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
        await login(browser, appUrl);
        const me = await browser.request(`${appUrl}/auth/me`);
        if (me.status !== 200) throw new Error(`login round trip ended with /auth/me ${me.status}`);
        await me.text();
        loginMs.push(performance.now() - t1);
        cookie = browser.cookies(appUrl).get(COOKIE)!;
        lastBrowser = browser;
      }
      // A real access token from the IdP for the Bearer run (the app never hands tokens out).
      const accessToken = await idpAccessToken(lastBrowser, idp.issuer, appUrl);

      // (2) Throughput on GET /: anonymous vs session cookie vs Bearer JWT.
      const variants: Record<string, { url: string; headers: Record<string, string> }> = {
        anonymous: { url: `${appUrl}/`, headers: {} },
        session: { url: `${appUrl}/`, headers: { cookie: `${COOKIE}=${cookie}` } },
        cached: { url: `${cachedUrl}/`, headers: { cookie: `${COOKIE}=${cookie}` } },
        bearer: { url: `${appUrl}/`, headers: { authorization: `Bearer ${accessToken}` } },
      };
      const check = await Promise.all(
        Object.entries(variants).map(async ([name, v]) => [name, await (await fetch(v.url, { headers: v.headers })).text()] as const),
      );
      for (const [name, html] of check) {
        const signedIn = html.includes('id="user-name"');
        if (signedIn !== (name !== 'anonymous')) throw new Error(`GET / as ${name} did not ${name === 'anonymous' ? 'stay anonymous' : 'recognise the user'}`);
      }
      for (const v of Object.values(variants)) await load(v.url, v.headers, WARMUP_S);
      const runs: Record<string, Result[]> = { anonymous: [], session: [], cached: [], bearer: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, v] of Object.entries(variants)) runs[name]!.push(await load(v.url, v.headers, DURATION_S));
      }
      const rps = (name: string) => mean(runs[name]!.map((r) => r.requests.average));
      const p99 = (name: string) => mean(runs[name]!.map((r) => r.latency.p99));
      const bad = (name: string) => runs[name]!.reduce((s, r) => s + r.errors + r.timeouts + r.non2xx, 0);

      const loginMedian = percentile(loginMs, 50);
      const plainMedian = percentile(plainMs, 50);
      const lines = [
        `Login round trip (login → dev IdP form → callback → /auth/me), ${LOGINS} sequential logins, Table-backed sessions on Azurite:`,
        '',
        ...markdownTable(
          ['figure', 'median ms', 'p99 ms', 'vs anonymous GET / (median)'],
          [
            ['login round trip', fixed(loginMedian, 1), fixed(percentile(loginMs, 99), 1), ratio(loginMedian, plainMedian)],
            ['anonymous GET / (reference)', fixed(plainMedian, 2), fixed(percentile(plainMs, 99), 2), '1.00×'],
          ],
        ),
        '',
        `Throughput of GET / (${CONNECTIONS} connections, ${ROUNDS}×${DURATION_S} s each, interleaved):`,
        '',
        ...markdownTable(
          ['caller', 'req/s', 'p99 ms', 'throughput vs anonymous', 'errors/non-2xx'],
          NAMES.map((name) => [
            LABELS[name]!,
            fixed(rps(name), 0),
            fixed(p99(name), 1),
            ratio(rps(name), rps('anonymous')),
            bad(name),
          ]),
        ),
      ];
      return {
        lines,
        targets: [
          { name: 'no failed requests under load', ok: NAMES.every((n) => bad(n) === 0), detail: NAMES.map(bad).join('/') },
          { name: 'Bearer JWT keeps ≥ 50% of anonymous throughput', ok: rps('bearer') >= 0.5 * rps('anonymous'), detail: ratio(rps('bearer'), rps('anonymous')) },
          { name: 'session cookie with a 2 s instance cache keeps ≥ 50% of anonymous throughput', ok: rps('cached') >= 0.5 * rps('anonymous'), detail: ratio(rps('cached'), rps('anonymous')) },
        ],
      };
    } finally {
      if (cachedApp) await stopNode(cachedApp.child);
      if (app) await stopNode(app.child);
      await idp.close();
      await azurite.stop();
    }
  },
};

/**
 * A real access token from the dev IdP: the code flow done as the client would, in a browser that
 * already has an IdP session (so no form), redeemed at the token endpoint directly.
 */
async function idpAccessToken(browser: HttpBrowser, issuer: string, appUrl: string): Promise<string> {
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
  return autocannon({ url, headers, connections: CONNECTIONS, duration, timeout: 10 });
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(values.length, 1);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
