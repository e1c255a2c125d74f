import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import autocannon, { type Result } from 'autocannon';
import { CLIENT_ID, CLIENT_SECRET, SESSION_SECRET } from '../../test/auth/support/oidc-harness.js';
import { freePort } from '../../test/support/ports.js';
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
 * The API as production runs it, signing users in at the dev IdP: the dev IdP as a generic issuer
 * (AUTH_PROVIDER=dev is refused in production), cookies Secure as in production (the bench's own
 * HTTP client sends them back over loopback regardless).
 */
export function signedInAppEnv(issuer: string, storageConnectionString: string): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    THROTTLE_LIMIT: '10000000',
    THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/api/RandomNumber',
    SECRET_THIRD_PARTY_API_KEY: 'unused',
    AZURE_STORAGE_CONNECTION_STRING: storageConnectionString,
    AUTH_PROVIDER: 'oidc',
    OIDC_ISSUER_URL: issuer,
    OIDC_ALLOW_HTTP: 'true',
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
