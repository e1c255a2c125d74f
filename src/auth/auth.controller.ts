import { Body, Controller, Get, Header, HttpCode, Logger, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CookieOptions, Request, Response } from 'express';
import { AuthConfig } from './auth.config.js';
import { Authenticated, CurrentUser, Public } from './auth.decorators.js';
import { AuthDisabledError, LoginFailedError, LogoutTokenInvalidError } from './auth.errors.js';
import { requestCookies } from './request-cookies.js';
import { crossSiteReason } from './same-origin.js';
import type { AuthUser } from './auth-user.js';
import { OidcClient } from './oidc-client.js';
import { checkLogoutTokenRules } from './logout-token-rules.js';
import { safeReturnTo } from './return-to.js';
import { SessionsService } from './sessions.service.js';
import { escapeHtml } from '../common/html.js';
import { AppError } from '../common/app-error.js';
import { recordLogin } from './auth.metrics.js';

const TX_TTL_MS = 10 * 60 * 1000;
const UNKNOWN_ATTEMPT = 'This sign-in attempt is unknown or expired. Start again.';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  private readonly logger = new Logger(AuthController.name);

  constructor(
    private readonly config: AuthConfig,
    private readonly oidc: OidcClient,
    private readonly sessions: SessionsService,
  ) {}

  @Public()
  @Get('login')
  @ApiExcludeEndpoint()
  async login(@Query('returnTo') returnTo: unknown, @Res() res: Response): Promise<void> {
    this.assertEnabled();
    const start = await this.oidc.startLogin();
    const tx = await this.sessions.sealTransaction({
      state: start.state,
      nonce: start.nonce,
      codeVerifier: start.codeVerifier,
      returnTo: safeReturnTo(returnTo, this.config.publicBaseUrl),
      exp: Date.now() + TX_TTL_MS,
    });
    // One cookie per login attempt (named by its state), so two tabs logging in at once do not
    // overwrite each other's state; SameSite=Lax still sends it on the IdP's top-level redirect.
    res.cookie(this.txCookieName(start.state), tx, this.cookieOptions({ path: this.txCookiePath(), maxAge: TX_TTL_MS }));
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, start.url);
  }

  @Public()
  @Get('callback')
  @ApiExcludeEndpoint()
  async callback(@Req() req: Request, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    this.assertEnabled();
    res.setHeader('Cache-Control', 'no-store');
    const state = typeof query.state === 'string' ? query.state : '';
    const txName = state ? this.txCookieName(state) : '';
    try {
      const cookies = requestCookies(req);
      const tx = state ? await this.sessions.openTransaction(cookies[txName]) : undefined;
      const known = tx !== undefined && tx.state === state;
      if (typeof query.error === 'string') {
        // Only the IdP's answer to a login this browser started may put words on the page: without
        // a matching sealed transaction, error_description is anyone's text on our origin.
        if (!known) throw new LoginFailedError('IdP error without a known login attempt', UNKNOWN_ATTEMPT);
        throw new LoginFailedError(`IdP answered ${query.error.slice(0, 64)}`, idpErrorMessage(query.error, query.error_description));
      }
      if (!state || typeof query.code !== 'string') throw new LoginFailedError('callback without code or state');
      if (!known) throw new LoginFailedError('state mismatch or expired login attempt', UNKNOWN_ATTEMPT);
      const callbackUrl = new URL(this.config.redirectUri);
      callbackUrl.search = new URL(req.originalUrl, 'http://x').search;
      const tokens = await this.oidc.finishLogin(callbackUrl, tx);
      const previous = cookies[this.config.cookieName];
      if (previous) {
        const old = await this.sessions.fromCookie(previous).catch(() => undefined);
        if (old) await this.sessions.end(old.id, 'replaced by a new login');
      }
      const { cookie } = await this.sessions.create(tokens);
      res.clearCookie(txName, this.cookieOptions({ path: this.txCookiePath() }));
      res.cookie(this.config.cookieName, cookie, this.cookieOptions({ path: '/', maxAge: this.config.sessionTtlSeconds * 1000 }));
      // Checked again as sent: the Location must resolve to this origin.
      res.redirect(302, safeReturnTo(tx.returnTo, this.config.publicBaseUrl));
      recordLogin('ok', this.config.provider);
    } catch (error) {
      recordLogin(error instanceof AppError ? error.code.toLowerCase() : 'error', this.config.provider);
      if (txName) res.clearCookie(txName, this.cookieOptions({ path: this.txCookiePath() }));
      if (!(error instanceof AppError)) throw error;
      const reason = (error as { reason?: string }).reason ?? error.message;
      this.logger.warn(`Login failed: ${reason}`);
      res.status(error.status).type('html').send(errorPage(error.message));
    }
  }

  /**
   * A confirmation page: logging out changes state, so it is a POST from this site's pages, and a
   * cross-site link or top-level navigation to this URL ends nothing.
   */
  @Public()
  @Get('logout')
  @ApiExcludeEndpoint()
  logoutPage(@Res() res: Response): void {
    this.assertEnabled();
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(logoutPage());
  }

  @Public()
  @Post('logout')
  @ApiExcludeEndpoint()
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    this.assertEnabled();
    res.setHeader('Cache-Control', 'no-store');
    const crossSite = crossSiteReason(req.headers, this.config.publicBaseUrl);
    if (crossSite) {
      this.logger.warn(`Logout refused: ${crossSite}`);
      res.status(403).type('html').send(logoutPage('Log out from this site’s own page.'));
      return;
    }
    const session = await this.sessions.fromCookie(requestCookies(req)[this.config.cookieName]).catch(() => undefined);
    if (session) await this.sessions.end(session.id, 'logout');
    res.clearCookie(this.config.cookieName, this.cookieOptions({ path: '/' }));
    // End the IdP session too, or the next "Log in" would be silent. Not a redirect: the CSP's
    // form-action 'self' also covers where a form submission is redirected, and the IdP is
    // another origin. A page that moves on by itself (meta refresh, no script) is not a form
    // submission.
    const endSession = await this.oidc.endSessionUrl(session?.idToken).catch(() => undefined);
    res.status(200).type('html').send(continuePage(endSession ?? this.config.postLogoutRedirectUri));
  }

  @Public()
  @Post('backchannel-logout')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'OIDC Back-Channel Logout 1.0: ends the user’s sessions on every instance' })
  async backchannelLogout(@Body() body: Record<string, unknown> | undefined): Promise<void> {
    this.assertEnabled();
    const token = body?.logout_token;
    if (typeof token !== 'string' || !token) throw new LogoutTokenInvalidError('no logout_token');
    // Signature, iss, aud first; then the stricter rules, then replay: the jti is claimed in the
    // shared store, so a token replayed to any instance (not only this one) is refused.
    await this.oidc.verifyLogoutToken(token);
    const facts = checkLogoutTokenRules(token, Math.floor(Date.now() / 1000), this.config.clockToleranceSeconds);
    if (!(await this.sessions.claimLogoutToken(facts.iss, facts.jti, facts.replayWindowSeconds))) {
      throw new LogoutTokenInvalidError('jti replayed');
    }
    await this.sessions.endForIdpSession({ sid: facts.sid, sub: facts.sub });
  }

  @Authenticated()
  @Get('me')
  @ApiOperation({ summary: 'The signed-in user’s profile and roles (401 otherwise)' })
  @ApiOkResponse({ description: '{ sub, name, email, roles, via }' })
  me(@CurrentUser() user: AuthUser): Pick<AuthUser, 'sub' | 'name' | 'email' | 'roles' | 'via'> {
    return { sub: user.sub, name: user.name, email: user.email, roles: user.roles, via: user.via };
  }

  private assertEnabled(): void {
    if (!this.config.enabled) throw new AuthDisabledError();
  }

  private txCookieName(state: string): string {
    return `${this.config.cookieName}_tx_${state.replace(/[^\w-]/g, '').slice(0, 12)}`;
  }

  /** `__Host-` cookies must have Path=/; otherwise the login cookie is only sent to the callback. */
  private txCookiePath(): string {
    return this.config.cookieName.startsWith('__Host-') ? '/' : '/auth/callback';
  }

  private cookieOptions(extra: CookieOptions): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.config.cookieSecure, ...extra };
  }
}

function idpErrorMessage(error: string, description: unknown): string {
  if (error === 'access_denied') return 'Sign-in was cancelled or refused at the identity provider.';
  const detail = typeof description === 'string' ? description.slice(0, 200) : '';
  return `The identity provider reported "${error.slice(0, 64)}"${detail ? `: ${detail}` : ''}.`;
}

function errorPage(message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in problem</title></head>
<body><main>
<h1>Sign-in problem</h1>
<p id="login-error">${escapeHtml(message)}</p>
<p><a href="/">Home</a> · <a href="/auth/login">Try again</a></p>
</main></body></html>
`;
}

/** No script (the CSP forbids inline script): a plain form posting to this origin. */
function logoutPage(notice?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log out</title></head>
<body><main>
<h1>Log out?</h1>
${notice ? `<p id="logout-notice">${escapeHtml(notice)}</p>\n` : ''}<form method="post" action="/auth/logout"><button id="logout-confirm" type="submit">Log out</button></form>
<p><a href="/">Home</a></p>
</main></body></html>
`;
}

/** Signed out here; on to the IdP's end-session endpoint. */
function continuePage(url: string): string {
  const href = escapeHtml(url);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>Signing out</title></head>
<body><main>
<h1>Signing out…</h1>
<p><a id="logout-continue" href="${href}">Continue</a></p>
</main></body></html>
`;
}
