import { Body, Controller, Get, Header, HttpCode, Logger, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CookieOptions, Request, Response } from 'express';
import { AuthConfig } from './auth.config.js';
import { Authenticated, CurrentUser, Public } from './auth.decorators.js';
import { AuthDisabledError, LoginFailedError, LogoutTokenInvalidError } from './auth.errors.js';
import type { AuthUser } from './auth-user.js';
import { parseCookies } from './cookie-sealer.js';
import { OidcClient } from './oidc-client.js';
import { safeReturnTo } from './return-to.js';
import { SessionsService } from './sessions.service.js';
import { escapeHtml } from '../common/html.js';
import { AppError } from '../common/app-error.js';
import { recordLogin } from './auth.metrics.js';

const TX_TTL_MS = 10 * 60 * 1000;

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
      returnTo: safeReturnTo(returnTo),
      exp: Date.now() + TX_TTL_MS,
    });
    // One cookie per login attempt (named by its state), so two tabs logging in at once do not
    // overwrite each other's state; SameSite=Lax still sends it on the IdP's top-level redirect.
    res.cookie(this.txCookieName(start.state), tx, this.cookieOptions({ path: '/auth/callback', maxAge: TX_TTL_MS }));
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
      if (typeof query.error === 'string') {
        throw new LoginFailedError(`IdP answered ${query.error}`, idpErrorMessage(query.error, query.error_description));
      }
      if (!state || typeof query.code !== 'string') throw new LoginFailedError('callback without code or state');
      const cookies = parseCookies(req.headers.cookie);
      const tx = await this.sessions.openTransaction(cookies[txName]);
      if (!tx || tx.state !== state) {
        throw new LoginFailedError('state mismatch or expired login attempt', 'This sign-in attempt is unknown or expired. Start again.');
      }
      const callbackUrl = new URL(this.config.redirectUri);
      callbackUrl.search = new URL(req.originalUrl, 'http://x').search;
      const tokens = await this.oidc.finishLogin(callbackUrl, tx);
      const previous = cookies[this.config.cookieName];
      if (previous) {
        const old = await this.sessions.fromCookie(previous).catch(() => undefined);
        if (old) await this.sessions.end(old.id, 'replaced by a new login');
      }
      const { cookie } = await this.sessions.create(tokens);
      res.clearCookie(txName, this.cookieOptions({ path: '/auth/callback' }));
      res.cookie(this.config.cookieName, cookie, this.cookieOptions({ path: '/', maxAge: this.config.sessionTtlSeconds * 1000 }));
      res.redirect(302, tx.returnTo);
      recordLogin('ok', this.config.provider);
    } catch (error) {
      recordLogin(error instanceof AppError ? error.code.toLowerCase() : 'error', this.config.provider);
      if (txName) res.clearCookie(txName, this.cookieOptions({ path: '/auth/callback' }));
      if (!(error instanceof AppError)) throw error;
      const reason = (error as { reason?: string }).reason ?? error.message;
      this.logger.warn(`Login failed: ${reason}`);
      res.status(error.status).type('html').send(errorPage(error.message));
    }
  }

  @Public()
  @Get('logout')
  @ApiExcludeEndpoint()
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    this.assertEnabled();
    const session = await this.sessions.fromCookie(parseCookies(req.headers.cookie)[this.config.cookieName]).catch(() => undefined);
    if (session) await this.sessions.end(session.id, 'logout');
    res.clearCookie(this.config.cookieName, this.cookieOptions({ path: '/' }));
    res.setHeader('Cache-Control', 'no-store');
    // End the IdP session too, or the next "Log in" would be silent.
    const endSession = await this.oidc.endSessionUrl(session?.idToken).catch(() => undefined);
    res.redirect(302, endSession ?? this.config.postLogoutRedirectUri);
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
    const subject = await this.oidc.verifyLogoutToken(token);
    await this.sessions.endForIdpSession(subject);
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
