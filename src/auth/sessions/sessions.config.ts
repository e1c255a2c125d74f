import { z } from 'zod';
import { defineConfigSection, envBoolean, envInt, optionalString, optionalUrl } from '../../config/config-section.js';
import { runtimeConfigSection } from '../../config/runtime.config.js';
import { storageAccountConfigSection } from '../../azure/storage-account.config.js';
import { redisConfigSection } from '../../redis/redis.config.js';
import { authConfigSection } from '../auth.config.js';

export const SESSION_STORES = ['table', 'memory', 'redis'] as const;

/** Where sessions live, how long they last and are cached, the cookie that names them, refresh, logout. */
export class SessionsConfig {
  /** Sign-in is on (AUTH_PROVIDER is not none): otherwise no store is built. */
  readonly enabled!: boolean;
  readonly sessionStore!: (typeof SESSION_STORES)[number];
  readonly sessionTable!: string;
  readonly sessionTableUrl?: string;
  /** The storage account's connection string (the storage account section's), for the table store. */
  readonly storageConnectionString?: string;
  /** How often ended sessions and logout-token claims are deleted from the store (STORAGE_SWEEP_INTERVAL_SECONDS). */
  readonly sweepIntervalMs!: number;
  readonly sessionTtlSeconds!: number;
  readonly sessionSecretName!: string;
  /**
   * Versions of the session secret that still open cookies (Key Vault's versions, or one per line
   * locally): cookies are sealed with the newest, so a rotation signs nobody out as long as the
   * previous version stays among these.
   */
  readonly sessionSecretVersions!: number;
  /** How often the versions are read again, so every instance picks up a rotation (and a dropped version) live. */
  readonly sessionSecretRefreshMs!: number;
  /**
   * How long an instance may reuse a session it read from the store (0 = read on every request).
   * Logout on this instance is immediate either way; a back-channel logout handled by another
   * instance reaches this one within this time.
   */
  readonly sessionCacheMs!: number;
  /** Rolling idle timeout: a session unused this long ends, on every instance (stored with it). */
  readonly sessionIdleSeconds!: number;
  /** Bound on the per-instance session cache (AUTH_SESSION_CACHE_MS); the oldest entries go first. */
  readonly sessionCacheMaxEntries!: number;
  /**
   * `__Host-app_session` when the app is served over HTTPS (Path=/, Secure, no Domain), else
   * `app_session`; with AUTH_COOKIE_DOMAIN `__Secure-app_session` (`__Host-` forbids a Domain).
   */
  readonly cookieName!: string;
  /**
   * AUTH_COOKIE_DOMAIN: a parent domain of PUBLIC_BASE_URL's host the session cookie is sent to
   * (sibling hosts behind forward auth); undefined keeps it host-only.
   */
  readonly cookieDomain?: string;
  readonly cookieSecure!: boolean;
  readonly refreshBeforeSeconds!: number;
  /** Where the IdP sends the browser once the session has ended; the app's home by default. */
  readonly postLogoutRedirectUri!: string;
}

export const sessionsConfigSection = defineConfigSection(
  'sessions',
  SessionsConfig,
  z.object({
    AUTH_SESSION_STORE: z.enum(SESSION_STORES).default('table'),
    AUTH_SESSION_TABLE: z.string().regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'must be a valid table name (3-63 letters/digits)').default('sessions'),
    AUTH_SESSION_TABLE_URL: optionalUrl(),
    AUTH_SESSION_TTL_SECONDS: envInt(8 * 3600, 60, 30 * 86_400),
    AUTH_SESSION_SECRET_NAME: z.string().default('session-secret'),
    AUTH_SESSION_SECRET_VERSIONS: envInt(2, 1, 10),
    AUTH_SESSION_SECRET_REFRESH_SECONDS: envInt(60, 1, 86_400),
    AUTH_SESSION_CACHE_MS: envInt(0, 0, 60_000),
    AUTH_SESSION_IDLE_SECONDS: envInt(1800, 1, 30 * 86_400),
    AUTH_SESSION_CACHE_MAX_ENTRIES: envInt(10_000, 1, 1_000_000),
    AUTH_COOKIE_NAME: z.string().regex(/^[\w-]+$/, 'must be a cookie token').optional(),
    AUTH_COOKIE_SECURE: envBoolean(true).optional(),
    AUTH_COOKIE_DOMAIN: optionalString(),
    AUTH_REFRESH_BEFORE_SECONDS: envInt(60, 0, 3600),
    AUTH_POST_LOGOUT_REDIRECT_URL: optionalUrl(),
  }),
  (v, _env, config) => {
    const runtime = config.get(runtimeConfigSection);
    const https = runtime.publicBaseUrl.startsWith('https:');
    const cookieDomain = v.AUTH_COOKIE_DOMAIN?.trim().toLowerCase().replace(/^\./, '');
    return {
      enabled: config.get(authConfigSection).enabled,
      sessionStore: v.AUTH_SESSION_STORE,
      sessionTable: v.AUTH_SESSION_TABLE,
      sessionTableUrl: v.AUTH_SESSION_TABLE_URL,
      storageConnectionString: config.get(storageAccountConfigSection).connectionString,
      sweepIntervalMs: config.get(storageAccountConfigSection).sweepIntervalMs,
      sessionTtlSeconds: v.AUTH_SESSION_TTL_SECONDS,
      sessionSecretName: v.AUTH_SESSION_SECRET_NAME,
      sessionSecretVersions: v.AUTH_SESSION_SECRET_VERSIONS,
      sessionSecretRefreshMs: v.AUTH_SESSION_SECRET_REFRESH_SECONDS * 1000,
      sessionCacheMs: v.AUTH_SESSION_CACHE_MS,
      sessionIdleSeconds: v.AUTH_SESSION_IDLE_SECONDS,
      sessionCacheMaxEntries: v.AUTH_SESSION_CACHE_MAX_ENTRIES,
      // __Host-: the browser keeps it only with Path=/, Secure and no Domain, so no other host
      // (a sibling subdomain) and no plain-http page can set or overwrite it. A parent domain
      // (forward auth for sibling hosts) gives that up: __Secure- still keeps plain-http pages out.
      cookieName: v.AUTH_COOKIE_NAME ?? (https ? (cookieDomain ? '__Secure-app_session' : '__Host-app_session') : 'app_session'),
      ...(cookieDomain ? { cookieDomain } : {}),
      // Secure everywhere except plain-http local development (browsers drop Secure cookies there).
      cookieSecure: v.AUTH_COOKIE_SECURE ?? (runtime.isProduction || https),
      refreshBeforeSeconds: v.AUTH_REFRESH_BEFORE_SECONDS,
      postLogoutRedirectUri: v.AUTH_POST_LOGOUT_REDIRECT_URL ?? new URL('/', runtime.publicBaseUrl).toString(),
    };
  },
  {
    reads: [authConfigSection, runtimeConfigSection, storageAccountConfigSection],
    checks: [
      // The session cookie must stay Secure in production and wherever its name requires it.
      (sessions, config, v) => {
        if (!sessions.enabled) return [];
        const problems: string[] = [];
        if (config.get(runtimeConfigSection).isProduction && v.AUTH_COOKIE_SECURE === false) {
          problems.push('AUTH_COOKIE_SECURE: false is refused when NODE_ENV=production (session cookies would travel over plain HTTP)');
        }
        if (/^__(Host|Secure)-/i.test(v.AUTH_COOKIE_NAME ?? '') && !sessions.cookieSecure) {
          problems.push('AUTH_COOKIE_NAME: a __Host-/__Secure- cookie needs AUTH_COOKIE_SECURE=true (browsers drop it otherwise)');
        }
        return problems;
      },
      // A cookie domain must be a parent of the app's own host, or the browser never sends it back.
      (sessions, config) => {
        if (!sessions.enabled || sessions.cookieDomain === undefined) return [];
        return cookieDomainProblems(sessions.cookieDomain, new URL(config.get(runtimeConfigSection).publicBaseUrl).hostname, sessions.cookieName);
      },
      // The table store needs a table endpoint.
      (sessions) =>
        sessions.enabled && sessions.sessionStore === 'table' && !sessions.storageConnectionString && !sessions.sessionTableUrl
          ? ['AUTH_SESSION_TABLE_URL: is required for AUTH_SESSION_STORE=table (or set AZURE_STORAGE_CONNECTION_STRING with a TableEndpoint)']
          : [],
    ],
    // Sessions cannot be read without their store: readiness fails while it is down.
    needs: (sessions) =>
      sessions.enabled && sessions.sessionStore === 'redis' ? [{ section: redisConfigSection, by: 'AUTH_SESSION_STORE=redis', essential: true }] : [],
  },
);

const DOMAIN_LABELS = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/**
 * AUTH_COOKIE_DOMAIN must be a parent of PUBLIC_BASE_URL's host (`example.com` for
 * `app.example.com`): the browser refuses a Domain that does not domain-match the page that sets
 * it, and a single label (`com`) would be offered to every site under it. `__Host-` forbids a Domain.
 */
export function cookieDomainProblems(domain: string, appHost: string, cookieName: string): string[] {
  const problems: string[] = [];
  if (!DOMAIN_LABELS.test(domain) || /^[\d.]+$/.test(domain)) {
    problems.push(`AUTH_COOKIE_DOMAIN: "${domain}" is not a domain of two or more labels (letters, digits, hyphens)`);
  } else if (!appHost.endsWith(`.${domain}`)) {
    problems.push(`AUTH_COOKIE_DOMAIN: "${domain}" is not a parent domain of PUBLIC_BASE_URL's host ${appHost}`);
  }
  if (/^__Host-/i.test(cookieName)) problems.push('AUTH_COOKIE_NAME: a __Host- cookie cannot have a Domain (use __Secure- with AUTH_COOKIE_DOMAIN)');
  return problems;
}
