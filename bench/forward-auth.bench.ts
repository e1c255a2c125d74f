import type { ChildProcess } from 'node:child_process';
import type { Result } from 'autocannon';
import type { BenchResult, BenchSection } from './bench-section.js';
import { applyLayout, layoutNote, serverCpu, startNode, stopNode, type Layout } from './support/processes.js';
import { QUICK, seconds } from './support/settings.js';
import { ENTRY } from './support/entries.js';
import { benchSite, load as loadPhase, loadFigures, measuredLayouts, signedInAppEnv, startBenchIdp, startBenchRedis, startSiteFronts } from './support/signed-in-apps.js';
import { startAzurite } from '../test/support/azurite.js';
import { HttpBrowser, login } from '../test/auth/support/oidc-harness.js';
import type { HttpsFront } from '../test/auth/support/https-front.js';
import { fixed, markdownTable, ratio } from './support/table.js';
import { idpAccessToken } from './auth.bench.js';

const CONNECTIONS = 16;
const DURATION_S = seconds(6);
const WARMUP_S = seconds(2);
const ROUNDS = QUICK ? 1 : 2;
/** The session cookie's name when PUBLIC_BASE_URL is https (production), see sessions.config.ts. */
const COOKIE = '__Host-app_session';
/** What nginx's recipe sends with the subrequest. */
const FORWARDED = { 'x-original-uri': '/details/7?view=full', 'x-forwarded-host': 'details.example.test', 'x-forwarded-proto': 'https' };

type Variant = 'anonymous' | 'cookie' | 'bearer' | 'audience' | 'redisCookie' | 'redisAudience';
const LABELS: Record<Variant, string> = {
  anonymous: 'anonymous `GET /` (reference)',
  cookie: '`/auth/verify`, session cookie, Table store with its cache (AUTH_SESSION_CACHE_MS=2000)',
  bearer: '`/auth/verify`, Bearer JWT',
  audience: '`/auth/verify?audience=details-api`, session cookie (Table + cache), exchanged token cached',
  redisCookie: '`/auth/verify`, session cookie, AUTH_SESSION_STORE=redis (real redis-server)',
  redisAudience: '`/auth/verify?audience=details-api`, session cookie, Redis, exchanged token cached',
};

interface LayoutRun {
  layout: Layout;
  runs: Partial<Record<Variant, Result[]>>;
  exchanges: number;
  redisSkipped?: string;
}

/**
 * Forward auth: the throughput of /auth/verify (the nginx recipe's subrequest: the client's cookie
 * or Bearer token plus X-Original-URI) against an anonymous `GET /` of the same app in the same
 * run, and what `?audience=` costs once the exchanged token is cached (against the same decision
 * without it). The app runs as production starts it (its bundle, start:prod flags,
 * NODE_ENV=production); the dev IdP is a generic issuer, counting the exchanges it answered.
 */
export const forwardAuthBench: BenchSection = {
  name: 'Forward auth',
  async run(): Promise<BenchResult> {
    const results: LayoutRun[] = [];
    for (const layout of measuredLayouts()) results.push(await runLayout(layout));
    const lines: string[] = [];
    const targets: BenchResult['targets'] = [];
    for (const r of results) {
      const { rps, p99, bad } = loadFigures(r.runs);
      const measured = (Object.keys(LABELS) as Variant[]).filter((n) => r.runs[n]);
      lines.push(
        `### Forward auth, ${r.layout}`,
        '',
        layoutNote(r.layout),
        '',
        `Throughput (${CONNECTIONS} connections, ${ROUNDS}×${DURATION_S} s each, interleaved); exchanges the IdP answered during the load: ${r.exchanges}.`,
        '',
        ...markdownTable(
          ['request', 'req/s', 'p99 ms', 'vs anonymous GET /', 'errors/non-2xx'],
          [
            ...measured.map((name) => [LABELS[name], fixed(rps(name), 0), fixed(p99(name), 1), ratio(rps(name), rps('anonymous')), bad(name)]),
            ...(r.redisSkipped ? [[LABELS.redisCookie, `skipped: ${r.redisSkipped}`, '', '', '']] : []),
          ],
        ),
        '',
        // No target: with the token cached the decision does the same work plus a map hit; what
        // remains is carrying the token (about 1 KB more in every answer).
        `The exchange's cost with a warm cache: \`?audience=\` answers at ${ratio(rps('audience'), rps('cookie'))} of the same decision without it on the Table store (p99 ${fixed(p99('audience'), 1)} vs ${fixed(p99('cookie'), 1)} ms)${r.redisSkipped ? '' : `, ${ratio(rps('redisAudience'), rps('redisCookie'))} on Redis`}.`,
        '',
      );
      const L = `[${r.layout}]`;
      targets.push({ name: `${L} /auth/verify (session cookie, Table + cache) vs anonymous GET / ≥ 0.9×`, ok: rps('cookie') / rps('anonymous') >= 0.9, detail: ratio(rps('cookie'), rps('anonymous')) });
      targets.push(
        r.redisSkipped
          ? { name: `${L} /auth/verify (session cookie, Redis) vs anonymous GET / ≥ 0.9×`, ok: false, detail: `skipped: ${r.redisSkipped}`, skipped: true }
          : { name: `${L} /auth/verify (session cookie, Redis) vs anonymous GET / ≥ 0.9×`, ok: rps('redisCookie') / rps('anonymous') >= 0.9, detail: ratio(rps('redisCookie'), rps('anonymous')) },
      );
      targets.push({ name: `${L} no IdP exchange during the warm load`, ok: r.exchanges === 0, detail: `${r.exchanges}` });
      targets.push({ name: `${L} no failed requests under load`, ok: measured.every((n) => bad(n) === 0), detail: measured.map((n) => `${n} ${bad(n)}`).join(', ') });
    }
    return { lines, targets };
  },
};

async function runLayout(layout: Layout): Promise<LayoutRun> {
  applyLayout(layout);
  const cpu = serverCpu(layout);
  const azurite = await startAzurite();
  const sites = { table: await benchSite(), redis: await benchSite() };
  // The load goes to each app's own port; a browser signs in through its HTTPS front (PUBLIC_BASE_URL).
  const { idp, issuer, close: closeIdp } = await startBenchIdp(Object.values(sites));
  let exchanges = 0;
  let counting = false;
  idp.provider.on('grant.success', (...args: unknown[]) => {
    const type = (args[0] as { oidc: { params?: { grant_type?: string } } }).oidc.params?.grant_type;
    if (counting && type === 'urn:ietf:params:oauth:grant-type:token-exchange') exchanges++;
  });
  const procs: ChildProcess[] = [];
  let fronts: HttpsFront[] = [];
  let redisServer: ChildProcess | undefined;
  try {
    const envFor = async (site: (typeof sites)['table'], extra: Record<string, string> = {}) => ({ ...(await signedInAppEnv(issuer, azurite.connectionString, site)), AUTH_VERIFY_AUDIENCES: 'details-api', ...extra });
    procs.push((await startNode(ENTRY.api, [], await envFor(sites.table, { AUTH_SESSION_CACHE_MS: '2000' }), /API listening/, cpu)).child);
    let redisSkipped: string | undefined;
    const redis = await startBenchRedis();
    if ('skipped' in redis) redisSkipped = redis.skipped;
    else {
      redisServer = redis.child;
      procs.push((await startNode(ENTRY.api, [], await envFor(sites.redis, { AUTH_SESSION_STORE: 'redis', REDIS_URL: redis.url }), /API listening/, cpu)).child);
    }
    fronts = await startSiteFronts(Object.values(sites));

    const cookieAt = async (publicUrl: string) => {
      const browser = new HttpBrowser();
      await login(browser, publicUrl);
      return { browser, cookie: browser.cookies(publicUrl).get(COOKIE)! };
    };
    const table = await cookieAt(sites.table.publicUrl);
    const accessToken = await idpAccessToken(table.browser, issuer, sites.table.publicUrl);
    const redisCookie = redisSkipped ? '' : (await cookieAt(sites.redis.publicUrl)).cookie;
    const verify = (site: (typeof sites)['table'], query = '') => `${site.url}/auth/verify${query}`;
    const variants: Partial<Record<Variant, { url: string; headers: Record<string, string> }>> = {
      anonymous: { url: `${sites.table.url}/`, headers: {} },
      cookie: { url: verify(sites.table), headers: { ...FORWARDED, cookie: `${COOKIE}=${table.cookie}` } },
      bearer: { url: verify(sites.table), headers: { ...FORWARDED, authorization: `Bearer ${accessToken}` } },
      audience: { url: verify(sites.table, '?audience=details-api'), headers: { ...FORWARDED, cookie: `${COOKIE}=${table.cookie}` } },
      ...(redisSkipped
        ? {}
        : {
            redisCookie: { url: verify(sites.redis), headers: { ...FORWARDED, cookie: `${COOKIE}=${redisCookie}` } },
            redisAudience: { url: verify(sites.redis, '?audience=details-api'), headers: { ...FORWARDED, cookie: `${COOKIE}=${redisCookie}` } },
          }),
    };
    // Each answers as it should before it is loaded (the first ?audience= call makes the one exchange).
    for (const [name, v] of Object.entries(variants)) {
      const answer = await fetch(v.url, { headers: v.headers });
      await answer.body?.cancel();
      if (answer.status !== 200) throw new Error(`${name}: ${v.url} answered ${answer.status}`);
      if (name.toLowerCase().includes('audience') && !answer.headers.get('authorization')?.startsWith('Bearer ')) throw new Error(`${name}: no exchanged token`);
    }
    for (const v of Object.values(variants)) await load(v.url, v.headers, WARMUP_S);
    counting = true;
    const runs: Partial<Record<Variant, Result[]>> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, v] of Object.entries(variants) as Array<[Variant, { url: string; headers: Record<string, string> }]>) {
        (runs[name] ??= []).push(await load(v.url, v.headers, DURATION_S));
      }
    }
    return { layout, runs, exchanges, redisSkipped };
  } finally {
    for (const f of fronts) await f.close();
    for (const p of procs.reverse()) await stopNode(p);
    if (redisServer) await stopNode(redisServer);
    await closeIdp();
    await azurite.stop();
    applyLayout('unpinned');
  }
}

function load(url: string, headers: Record<string, string>, duration: number): Promise<Result> {
  return loadPhase(url, headers, duration, CONNECTIONS);
}
