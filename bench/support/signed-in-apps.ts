import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import autocannon, { type Result } from 'autocannon';
import type { AddressInfo } from 'node:net';
import { CLIENT_ID, CLIENT_SECRET, SESSION_SECRET, startTestIdp } from '../../test/auth/support/oidc-harness.js';
import { startHttpsFront, type HttpsFront } from '../../test/auth/support/https-front.js';
import { freePort } from '../../test/support/ports.js';
import { testCaFile } from '../../test/support/tls-ca-file.js';
import { trustTestCertificate } from '../../test/support/tls.js';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { mean } from './http.js';
import { LAYOUTS, canPin, startCommand } from './processes.js';
import { ONLY_LAYOUT } from './settings.js';

/** Debian's redis-server, for the sections that measure AUTH_SESSION_STORE=redis. */
export const REDIS_SERVER = '/usr/bin/redis-server';

/** The layouts this run measures (`--layout=`, and pinned only where the machine can pin). */
export function measuredLayouts(): typeof LAYOUTS {
  return LAYOUTS.filter((l) => (!ONLY_LAYOUT || l === ONLY_LAYOUT) && (l === 'unpinned' || canPin()));
}

/**
 * One signed-in app as production deploys it: it listens on plain http on `port` (`url`, where the
 * load goes, as a TLS-terminating ingress forwards it) behind an HTTPS front on another port
 * (`publicUrl`: PUBLIC_BASE_URL, where a browser signs in). Production refuses an http
 * PUBLIC_BASE_URL and an http IdP, so both the app and the dev IdP get such a front.
 */
export interface BenchSite {
  port: number;
  url: string;
  publicUrl: string;
  frontPort: number;
}

export async function benchSite(): Promise<BenchSite> {
  const port = await freePort();
  const frontPort = await freePort();
  return { port, url: `http://127.0.0.1:${port}`, publicUrl: `https://127.0.0.1:${frontPort}`, frontPort };
}

/** The dev IdP behind its HTTPS front (the issuer), knowing every site's redirect URIs; this process trusts the front. */
export async function startBenchIdp(sites: BenchSite[]): Promise<{ idp: RunningDevIdp; issuer: string; close(): Promise<void> }> {
  await trustTestCertificate();
  const frontPort = await freePort();
  const issuer = `https://127.0.0.1:${frontPort}`;
  const idp = await startTestIdp(sites.map((s) => s.publicUrl), { issuer });
  const front = await startHttpsFront(frontPort, (idp.server.address() as AddressInfo).port);
  return {
    idp,
    issuer,
    async close() {
      await front.close();
      await idp.close();
    },
  };
}

/** The sites' HTTPS fronts (start them once their apps listen); close each when done. */
export function startSiteFronts(sites: BenchSite[]): Promise<HttpsFront[]> {
  return Promise.all(sites.map((s) => startHttpsFront(s.frontPort, s.port)));
}

/**
 * The API as production runs it, signing users in at the dev IdP: the dev IdP as a generic issuer
 * (AUTH_PROVIDER=dev is refused in production) over HTTPS (the test certificate, trusted through
 * NODE_EXTRA_CA_CERTS), cookies Secure as in production (the bench's own HTTP client sends them
 * back over loopback regardless). `site` gives PORT and PUBLIC_BASE_URL.
 */
export async function signedInAppEnv(issuer: string, storageConnectionString: string, site: BenchSite): Promise<Record<string, string>> {
  return {
    PORT: String(site.port),
    PUBLIC_BASE_URL: site.publicUrl,
    NODE_EXTRA_CA_CERTS: await testCaFile(),
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    THROTTLE_LIMIT: '10000000',
    THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/api/RandomNumber',
    SECRET_THIRD_PARTY_API_KEY: 'unused',
    AZURE_STORAGE_CONNECTION_STRING: storageConnectionString,
    AUTH_PROVIDER: 'oidc',
    OIDC_ISSUER_URL: issuer,
    AUTH_ROLE_MAPPING: 'keycloak',
    AUTH_BEARER_AUDIENCE: 'integrated-auth-api',
    OIDC_CLIENT_ID: CLIENT_ID,
    SECRET_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    SECRET_SESSION_SECRET: SESSION_SECRET,
  };
}

/** A redis-server on a free port (its URL), or why there is none. */
export async function startBenchRedis(): Promise<{ child: ChildProcess; url: string } | { skipped: string }> {
  if (!existsSync(REDIS_SERVER)) return { skipped: `${REDIS_SERVER} missing (Debian package redis-server)` };
  const port = await freePort();
  const { child } = await startCommand(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {}, /Ready to accept connections/);
  return { child, url: `redis://127.0.0.1:${port}` };
}

/** Mean req/s, mean p99 and the failed requests of a variant's rounds (NaN when it was not measured). */
export function loadFigures<V extends string>(runs: Partial<Record<V, Result[]>>) {
  return {
    rps: (name: V) => (runs[name]?.length ? mean(runs[name]!.map((x) => x.requests.average)) : Number.NaN),
    p99: (name: V) => (runs[name]?.length ? mean(runs[name]!.map((x) => x.latency.p99)) : Number.NaN),
    bad: (name: V) => (runs[name] ?? []).reduce((s, x) => s + x.errors + x.timeouts + x.non2xx, 0),
  };
}

/** One autocannon phase on loopback. */
export function load(url: string, headers: Record<string, string>, duration: number, connections: number): Promise<Result> {
  return autocannon({ url, headers, connections, duration, timeout: 10 });
}
