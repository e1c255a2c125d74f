import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { AuthConfig } from './auth.config.js';
import { AuthCookies, LOGIN_SLOTS, type CookieChange } from './auth-cookies.js';
import { AuthDisabledError, LoginFailedError, LogoutTokenInvalidError } from './auth.errors.js';
import { ForwardAuthConfig } from './forward-auth/forward-auth.config.js';
import { FrontchannelLogoutInvalidError, ReturnTargetRefusedError } from './forward-auth/forward-auth.errors.js';
import type { RedirectTargets } from './forward-auth/redirect-targets.js';
import { recordLogin } from './auth.metrics.js';
import { safeReturnTo } from './return-to.js';
import { BearerConfig } from './bearer/bearer.config.js';
import { OidcClient, describeOidcError } from './oidc/oidc-client.js';
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
    forwardAuth: ForwardAuthConfig,
  ) {
    this.cookies = new AuthCookies(sessionsConfig);
    this.postLogoutRedirectUri = sessionsConfig.postLogoutRedirectUri;
    this.returnTargets = forwardAuth.redirectTargets;
  }

  private readonly postLogoutRedirectUri: string;
  /** Where a finished login may send the browser: this origin, or a host AUTH_REDIRECT_ALLOWED_HOSTS allows. */
  private readonly returnTargets: RedirectTargets;

  /**
   * /auth/login: a new attempt sealed into one of the browser's LOGIN_SLOTS login cookies (a free
   * one, else the oldest attempt's), and the IdP's authorization URL; back to a path of this app.
   */
  async start(returnTo: unknown, request: BrowserRequest): Promise<LoginAnswer> {
    return this.begin(safeReturnTo(returnTo, this.idp.publicBaseUrl), request);
  }

  /**
   * /auth/start?rd=: the proxies' login entry point, the same login transaction as /auth/login,
   * back to `rd` (an absolute URL on this origin or an allowed host; none: the home page).
   * Anything else is refused (400) before a login starts.
   */
  async startFor(rd: string | undefined, request: BrowserRequest): Promise<LoginAnswer> {
    this.assertEnabled();
    if (rd === undefined) return this.begin('/', request);
    const target = this.returnTargets.absolute(rd);
    if (!target) throw new ReturnTargetRefusedError();
    return this.begin(target, request);
  }

  /** The absolute /auth/start URL that logs in and returns to `target` (an allowed absolute URL). */
  startUrl(target: string): string {
    const url = new URL('/auth/start', this.idp.publicBaseUrl);
    url.searchParams.set('rd', target);
    return url.href;
  }

  private async begin(returnTo: string, request: BrowserRequest): Promise<LoginAnswer> {
    this.assertEnabled();
    const slot = chooseSlot(await this.pendingAttempts(request));
    const start = await this.oidc.startLogin();
    const tx = await this.transactions.seal({ state: start.state, nonce: start.nonce, codeVerifier: start.codeVerifier, returnTo });
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
    // Checked again as sent: the Location must resolve to this origin or an allowed host.
    return { redirect: this.returnTargets.location(tx.returnTo), cookies: [this.cookies.session(cookie)] };
  }

  /**
   * POST /auth/logout (from this site's pages only, see the controller): ends the session here, then
   * the IdP's session too (or the next "Log in" would be silent), by sending the browser on to its
   * end-session endpoint.
   */
  async logout(request: BrowserRequest): Promise<LoginAnswer> {
    this.assertEnabled();
    const session = await this.sessions.fromCookie(request.cookies[this.cookies.sessionName]).catch(() => undefined);
    if (session) {
      await this.sessions.end(session.id, 'logout');
      await this.revokeAtIdp(session.refreshToken);
    }
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

  /**
   * RFC 7009 at logout, where the IdP offers a revocation endpoint (Keycloak, the dev IdP; not
   * Entra): the refresh token (and so, at most IdPs, its whole grant) stops working at once,
   * instead of living on after the session that held it. Best effort: logout goes on whatever the
   * IdP answers.
   */
  private async revokeAtIdp(refreshToken: string | undefined): Promise<void> {
    if (!refreshToken) return;
    try {
      if (await this.oidc.revoke(refreshToken, 'refresh_token')) this.logger.log('Refresh token revoked at the IdP');
    } catch (error) {
      this.logger.warn(`Refresh token revocation failed: ${describeOidcError(error)}`);
    }
  }

  /**
   * OIDC Front-Channel Logout 1.0 (GET from the IdP's logout page, in an iframe): ends every
   * session of the IdP session `sid`, on every instance (the shared store). `iss`, when sent,
   * must be this IdP's. Nothing about the browser is trusted: the frame is cross-site, so it
   * carries no session cookie; `sid` is the IdP's unguessable session id.
   */
  async frontchannelLogout(iss: unknown, sid: unknown): Promise<number> {
    this.assertEnabled();
    if (typeof sid !== 'string' || !sid || sid.length > 256) throw new FrontchannelLogoutInvalidError('no sid');
    if (iss !== undefined && (typeof iss !== 'string' || !this.oidc.isIssuer(iss))) throw new FrontchannelLogoutInvalidError('iss is not this IdP');
    return this.sessions.endForIdpSession({ sid });
  }

  /** The origins the IdP's pages are served from (the issuer's; the browser-facing endpoints when set apart). */
  idpOrigins(): string[] {
    return this.oidc.browserOrigins();
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
