import type { CookieOptions } from 'express';
import type { SessionsConfig } from './sessions/sessions.config.js';
import { LOGIN_TRANSACTION_TTL_MS } from './sessions/login-transactions.js';

/** Login attempts one browser may have pending at once (each in its own cookie). */
export const LOGIN_SLOTS = 3;

/** A cookie the answer sets (with a value) or clears (without). */
export interface CookieChange {
  readonly name: string;
  readonly value?: string;
  readonly options: CookieOptions;
}

/**
 * The auth cookies in one place: the session cookie (AUTH_COOKIE_NAME, HttpOnly, SameSite=Lax,
 * Secure unless plain-http local development, for AUTH_COOKIE_DOMAIN when set) and the
 * login-transaction cookies (LOGIN_SLOTS at most; always host-only: only this app's callback reads them).
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
   * A login attempt lives in one of LOGIN_SLOTS cookies (`<name>_tx0` …), so two tabs logging in
   * at once keep their own attempts, while no number of navigations to /auth/login (a page can
   * fire any) gives a browser more than LOGIN_SLOTS login cookies: the Cookie header stays far
   * below what servers and proxies accept (Node 16 KB, many proxies 8 KB). SameSite=Lax still
   * sends them on the IdP's top-level redirect back.
   */
  transactionName(slot: number): string {
    return `${this.config.cookieName}_tx${slot}`;
  }

  transaction(slot: number, value: string): CookieChange {
    return { name: this.transactionName(slot), value, options: this.options({ path: this.transactionPath(), maxAge: LOGIN_TRANSACTION_TTL_MS }) };
  }

  clearTransaction(slot: number): CookieChange {
    return { name: this.transactionName(slot), options: this.options({ path: this.transactionPath() }) };
  }

  /**
   * `__Host-` cookies must have Path=/; otherwise /auth, so that /auth/login sees the attempts a
   * browser holds (to reuse a slot) and the callback finds its own.
   */
  private transactionPath(): string {
    return this.config.cookieName.startsWith('__Host-') ? '/' : '/auth';
  }

  private options(extra: CookieOptions): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.config.cookieSecure, ...extra };
  }
}
