import { z } from 'zod';
import { envBoolean, envInt, optionalString, optionalUrl } from '../config/config-section.js';
import type { AuthIdpSettings, AuthIdpVars } from './auth-idp.config.js';

export const SESSION_STORES = ['table', 'memory', 'redis'] as const;

/** Where sessions live, how long they last and are cached, the cookie that names them, refresh, logout. */
export const authSessionShape = {
  AUTH_SESSION_STORE: z.enum(SESSION_STORES).default('table'),
  AUTH_SESSION_TABLE: z.string().regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'must be a valid table name (3-63 letters/digits)').default('sessions'),
  AUTH_SESSION_TABLE_URL: optionalUrl(),
  AZURE_STORAGE_CONNECTION_STRING: optionalString(),
  AUTH_SESSION_TTL_SECONDS: envInt(8 * 3600, 60, 30 * 86_400),
  AUTH_SESSION_SECRET_NAME: z.string().default('session-secret'),
  AUTH_SESSION_CACHE_MS: envInt(0, 0, 60_000),
  // Session lifetime and refresh across replicas.
  AUTH_SESSION_IDLE_SECONDS: envInt(1800, 1, 30 * 86_400),
  AUTH_SESSION_CACHE_MAX_ENTRIES: envInt(10_000, 1, 1_000_000),
  AUTH_COOKIE_NAME: z.string().regex(/^[\w-]+$/, 'must be a cookie token').optional(),
  AUTH_COOKIE_SECURE: envBoolean(true).optional(),
  AUTH_REFRESH_BEFORE_SECONDS: envInt(60, 0, 3600),
  AUTH_POST_LOGOUT_REDIRECT_URL: optionalUrl(),
};
export type AuthSessionVars = z.output<z.ZodObject<typeof authSessionShape>>;
/** The session part also reads whether this is production and how the app is served. */
type SessionInput = AuthSessionVars & Pick<AuthIdpVars, 'NODE_ENV' | 'PUBLIC_BASE_URL'>;

export interface AuthSessionSettings {
  readonly sessionStore: (typeof SESSION_STORES)[number];
  readonly sessionTable: string;
  readonly sessionTableUrl?: string;
  readonly storageConnectionString?: string;
  readonly sessionTtlSeconds: number;
  readonly sessionSecretName: string;
  /**
   * How long an instance may reuse a session it read from the store (0 = read on every request).
   * Logout on this instance is immediate either way; a back-channel logout handled by another
   * instance reaches this one within this time.
   */
  readonly sessionCacheMs: number;
  // Session lifetime and refresh across replicas (issue 9: idle timeout, refresh serialisation).
  /** Rolling idle timeout: a session unused this long ends, on every instance (stored with it). */
  readonly sessionIdleSeconds: number;
  /** Bound on the per-instance session cache (AUTH_SESSION_CACHE_MS); the oldest entries go first. */
  readonly sessionCacheMaxEntries: number;
  /** `__Host-app_session` when the app is served over HTTPS (Path=/, Secure, no Domain), else `app_session`. */
  readonly cookieName: string;
  readonly cookieSecure: boolean;
  readonly refreshBeforeSeconds: number;
  /** Where the IdP sends the browser once the session has ended; the app's home by default. */
  readonly postLogoutRedirectUri: string;
}

/** The session cookie must stay Secure in production and wherever its name requires it. */
export function refineAuthCookie(v: SessionInput, ctx: z.RefinementCtx): void {
  if (v.NODE_ENV === 'production' && v.AUTH_COOKIE_SECURE === false) {
    ctx.addIssue({ code: 'custom', path: ['AUTH_COOKIE_SECURE'], message: 'false is refused when NODE_ENV=production (session cookies would travel over plain HTTP)' });
  }
  const secure = v.AUTH_COOKIE_SECURE ?? (v.NODE_ENV === 'production' || !!v.PUBLIC_BASE_URL?.startsWith('https:'));
  if (/^__(Host|Secure)-/i.test(v.AUTH_COOKIE_NAME ?? '') && !secure) {
    ctx.addIssue({ code: 'custom', path: ['AUTH_COOKIE_NAME'], message: 'a __Host-/__Secure- cookie needs AUTH_COOKIE_SECURE=true (browsers drop it otherwise)' });
  }
}

/** The table store needs a table endpoint. */
export function refineAuthSessionStore(v: AuthSessionVars, ctx: z.RefinementCtx): void {
  if (v.AUTH_SESSION_STORE === 'table' && !v.AZURE_STORAGE_CONNECTION_STRING && !v.AUTH_SESSION_TABLE_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['AUTH_SESSION_TABLE_URL'],
      message: 'is required for AUTH_SESSION_STORE=table (or set AZURE_STORAGE_CONNECTION_STRING with a TableEndpoint)',
    });
  }
}

export function deriveAuthSession(v: AuthSessionVars, idp: Pick<AuthIdpSettings, 'publicBaseUrl' | 'production'>): AuthSessionSettings {
  const https = idp.publicBaseUrl.startsWith('https:');
  return {
    sessionStore: v.AUTH_SESSION_STORE,
    sessionTable: v.AUTH_SESSION_TABLE,
    sessionTableUrl: v.AUTH_SESSION_TABLE_URL,
    storageConnectionString: v.AZURE_STORAGE_CONNECTION_STRING,
    sessionTtlSeconds: v.AUTH_SESSION_TTL_SECONDS,
    sessionSecretName: v.AUTH_SESSION_SECRET_NAME,
    sessionCacheMs: v.AUTH_SESSION_CACHE_MS,
    sessionIdleSeconds: v.AUTH_SESSION_IDLE_SECONDS,
    sessionCacheMaxEntries: v.AUTH_SESSION_CACHE_MAX_ENTRIES,
    // __Host-: the browser keeps it only with Path=/, Secure and no Domain, so no other host
    // (a sibling subdomain) and no plain-http page can set or overwrite it.
    cookieName: v.AUTH_COOKIE_NAME ?? (https ? '__Host-app_session' : 'app_session'),
    // Secure everywhere except plain-http local development (browsers drop Secure cookies there).
    cookieSecure: v.AUTH_COOKIE_SECURE ?? (idp.production || https),
    refreshBeforeSeconds: v.AUTH_REFRESH_BEFORE_SECONDS,
    postLogoutRedirectUri: v.AUTH_POST_LOGOUT_REDIRECT_URL ?? new URL('/', idp.publicBaseUrl).toString(),
  };
}
