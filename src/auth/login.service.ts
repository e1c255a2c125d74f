import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { AuthConfig } from './auth.config.js';
import { AuthCookies, LOGIN_SLOTS, type CookieChange } from './auth-cookies.js';
import { AuthDisabledError, LoginFailedError, LogoutTokenInvalidError } from './auth.errors.js';
import { recordLogin } from './auth.metrics.js';
import { safeReturnTo } from './return-to.js';
import { BearerConfig } from './bearer/bearer.config.js';
import { OidcClient } from './oidc/oidc-client.js';
import { OidcConfig } from './oidc/oidc.config.js';
import { chooseSlot, type LoginTransaction, LoginTransactions } from './sessions/login-transactions.js';
import { LogoutClaims } from './sessions/logout-claims.js';
import { SessionsConfig } from './sessions/sessions.config.js';
import { SessionsService } from './sessions/sessions.service.js';

const UNKNOWN_ATTEMPT = 'This sign-in attempt is unknown or expired. Start again.';

/** What a browser request brings to the login protocol: its cookies. */
export interface BrowserRequest {
  readonly cookies: Readonly<Record<string, string>>;
}

/** An answer of the login protocol: where to send the browser (or the page to show), and the cookies to set or clear. */
export interface LoginAnswer {
  readonly redirect?: string;
  readonly continueTo?: string;
  readonly cookies: readonly CookieChange[];
}

/**
 * The login protocol (authorization code with PKCE, state and nonce; logout; back-channel logout):
 * login transactions, the OIDC calls, creating and replacing sessions, and the login metric. The
 * controller turns its answers into HTTP; its errors go to the exception filter.
 */
@Injectable()
export class LoginService {
  private readonly logger = new Logger('Login');
  readonly cookies: AuthCookies;

  constructor(
    private readonly auth: AuthConfig,
    private readonly idp: OidcConfig,
    private readonly bearer: BearerConfig,
    sessionsConfig: SessionsConfig,
    private readonly oidc: OidcClient,
    private readonly transactions: LoginTransactions,
    private readonly sessions: SessionsService,
    private readonly logoutClaims: LogoutClaims,
  ) {
    this.cookies = new AuthCookies(sessionsConfig);
    this.postLogoutRedirectUri = sessionsConfig.postLogoutRedirectUri;
  }

  private readonly postLogoutRedirectUri: string;

  /**
   * /auth/login: a new attempt sealed into one of the browser's LOGIN_SLOTS login cookies (a free
   * one, else the oldest attempt's), and the IdP's authorization URL.
   */
  async start(returnTo: unknown, request: BrowserRequest): Promise<LoginAnswer> {
    this.assertEnabled();
    const slot = chooseSlot(await this.pendingAttempts(request));
    const start = await this.oidc.startLogin();
    const tx = await this.transactions.seal({
      state: start.state,
      nonce: start.nonce,
      codeVerifier: start.codeVerifier,
      returnTo: safeReturnTo(returnTo, this.idp.publicBaseUrl),
    });
    return { redirect: start.url, cookies: [this.cookies.transaction(slot, tx)] };
  }

  /**
   * /auth/callback: the attempt the browser started (its sealed cookie, matched by `state`), the
   * code exchanged and the ID token checked, then a new session (replacing the browser's previous
   * one). The attempt's cookie is cleared whatever the outcome (see `spentAttempt`).
   */
  async callback(query: Record<string, unknown>, callbackSearch: string, request: BrowserRequest): Promise<LoginAnswer> {
    this.assertEnabled();
    try {
      const answer = await this.signIn(query, callbackSearch, request);
      recordLogin('ok', this.idp.provider);
      return answer;
    } catch (error) {
      recordLogin(error instanceof AppError ? error.code.toLowerCase() : 'error', this.idp.provider);
      if (error instanceof AppError) this.logger.warn(`Login failed: ${(error as { reason?: string }).reason ?? error.message}`);
      throw error;
    }
  }

  /** The attempt cookie a callback spends, whatever its outcome (undefined without a state, or none matching it). */
  async spentAttempt(query: Record<string, unknown>, request: BrowserRequest): Promise<CookieChange | undefined> {
    if (typeof query.state !== 'string' || !query.state) return undefined;
    const found = await this.attemptFor(query.state, request).catch(() => undefined);
    return found ? this.cookies.clearTransaction(found.slot) : undefined;
  }

  /** The attempts the browser's login cookies hold, by slot (undefined: empty, expired, forged or foreign). */
  private pendingAttempts(request: BrowserRequest): Promise<Array<LoginTransaction | undefined>> {
    return Promise.all(Array.from({ length: LOGIN_SLOTS }, (_, slot) => this.transactions.open(request.cookies[this.cookies.transactionName(slot)])));
  }

  /** The browser's attempt `state` names, and its slot. */
  private async attemptFor(state: string, request: BrowserRequest): Promise<{ slot: number; tx: LoginTransaction } | undefined> {
    const pending = await this.pendingAttempts(request);
    const slot = pending.findIndex((tx) => tx?.state === state);
    return slot < 0 ? undefined : { slot, tx: pending[slot]! };
  }

  private async signIn(query: Record<string, unknown>, callbackSearch: string, request: BrowserRequest): Promise<LoginAnswer> {
    const state = typeof query.state === 'string' ? query.state : '';
    const tx = state ? (await this.attemptFor(state, request))?.tx : undefined;
    const known = tx !== undefined && tx.state === state;
    if (typeof query.error === 'string') {
      // Only the IdP's answer to a login this browser started may put words on the page: without
      // a matching sealed transaction, error_description is anyone's text on our origin.
      if (!known) throw new LoginFailedError('IdP error without a known login attempt', UNKNOWN_ATTEMPT);
      throw new LoginFailedError(`IdP answered ${query.error.slice(0, 64)}`, idpErrorMessage(query.error, query.error_description));
    }
    if (!state || typeof query.code !== 'string') throw new LoginFailedError('callback without code or state');
    if (!known) throw new LoginFailedError('state mismatch or expired login attempt', UNKNOWN_ATTEMPT);
    const callbackUrl = new URL(this.idp.redirectUri);
    callbackUrl.search = callbackSearch;
    const tokens = await this.oidc.finishLogin(callbackUrl, tx);
    const previous = await this.sessions.fromCookie(request.cookies[this.cookies.sessionName]).catch(() => undefined);
    if (previous) await this.sessions.end(previous.id, 'replaced by a new login');
    const { cookie } = await this.sessions.create(tokens);
    // Checked again as sent: the Location must resolve to this origin.
    return { redirect: safeReturnTo(tx.returnTo, this.idp.publicBaseUrl), cookies: [this.cookies.session(cookie)] };
  }

  /**
   * POST /auth/logout (from this site's pages only, see the controller): ends the session here, then
   * the IdP's session too (or the next "Log in" would be silent), by sending the browser on to its
   * end-session endpoint.
   */
  async logout(request: BrowserRequest): Promise<LoginAnswer> {
    this.assertEnabled();
    const session = await this.sessions.fromCookie(request.cookies[this.cookies.sessionName]).catch(() => undefined);
    if (session) await this.sessions.end(session.id, 'logout');
    const endSession = await this.oidc.endSessionUrl(session?.idToken, this.postLogoutRedirectUri).catch(() => undefined);
    return { continueTo: endSession ?? this.postLogoutRedirectUri, cookies: [this.cookies.clearSession()] };
  }

  /**
   * OIDC Back-Channel Logout 1.0: the token verified (signature, iss, aud, then the stricter
   * rules), then replay: its `jti` is claimed in the shared store, so a token replayed to any
   * instance (not only this one) is refused; then every session of the IdP session ends.
   */
  async backchannelLogout(token: unknown): Promise<void> {
    this.assertEnabled();
    if (typeof token !== 'string' || !token) throw new LogoutTokenInvalidError('no logout_token');
    const facts = await this.oidc.verifyLogoutToken(token, this.bearer.bearerAlgorithms);
    if (!(await this.logoutClaims.claim(facts.iss, facts.jti, facts.replayWindowSeconds))) throw new LogoutTokenInvalidError('jti replayed');
    await this.sessions.endForIdpSession({ sid: facts.sid, sub: facts.sub });
  }

  assertEnabled(): void {
    if (!this.auth.enabled) throw new AuthDisabledError();
  }
}

function idpErrorMessage(error: string, description: unknown): string {
  if (error === 'access_denied') return 'Sign-in was cancelled or refused at the identity provider.';
  const detail = typeof description === 'string' ? description.slice(0, 200) : '';
  return `The identity provider reported "${error.slice(0, 64)}"${detail ? `: ${detail}` : ''}.`;
}
