import type { CookieOptions } from 'express';
import type { SessionsConfig } from './sessions/sessions.config.js';
import { LOGIN_TRANSACTION_TTL_MS } from './sessions/login-transactions.js';

/** A cookie the answer sets (with a value) or clears (without). */
export interface CookieChange {
  readonly name: string;
  readonly value?: string;
  readonly options: CookieOptions;
}

/**
 * The auth cookies in one place: the session cookie (AUTH_COOKIE_NAME, HttpOnly, SameSite=Lax,
 * Secure unless plain-http local development, for AUTH_COOKIE_DOMAIN when set) and one
 * login-transaction cookie per attempt (always host-only: only this app's callback reads it).
 */
export class AuthCookies {
  constructor(private readonly config: Pick<SessionsConfig, 'cookieName' | 'cookieSecure' | 'sessionTtlSeconds' | 'cookieDomain'>) {}

  get sessionName(): string {
    return this.config.cookieName;
  }

  session(value: string): CookieChange {
    return { name: this.config.cookieName, value, options: this.options({ ...this.sessionScope(), maxAge: this.config.sessionTtlSeconds * 1000 }) };
  }

  clearSession(): CookieChange {
    return { name: this.config.cookieName, options: this.options(this.sessionScope()) };
  }

  /** Path=/, and the parent domain when AUTH_COOKIE_DOMAIN is set (a cookie is cleared with the same scope it was set with). */
  private sessionScope(): CookieOptions {
    return this.config.cookieDomain ? { path: '/', domain: this.config.cookieDomain } : { path: '/' };
  }

  /**
   * One cookie per login attempt (named by its state), so two tabs logging in at once do not
   * overwrite each other's state; SameSite=Lax still sends it on the IdP's top-level redirect.
   */
  transactionName(state: string): string {
    return `${this.config.cookieName}_tx_${state.replace(/[^\w-]/g, '').slice(0, 12)}`;
  }

  transaction(state: string, value: string): CookieChange {
    return { name: this.transactionName(state), value, options: this.options({ path: this.transactionPath(), maxAge: LOGIN_TRANSACTION_TTL_MS }) };
  }

  clearTransaction(state: string): CookieChange {
    return { name: this.transactionName(state), options: this.options({ path: this.transactionPath() }) };
  }

  /** `__Host-` cookies must have Path=/; otherwise the login cookie is only sent to the callback. */
  private transactionPath(): string {
    return this.config.cookieName.startsWith('__Host-') ? '/' : '/auth/callback';
  }

  private options(extra: CookieOptions): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.config.cookieSecure, ...extra };
  }
}
