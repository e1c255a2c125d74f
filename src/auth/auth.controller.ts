import { Body, Controller, Get, Header, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { HtmlPage } from '../common/html-page.js';
import { SameOriginOnly } from '../common/same-origin.guard.js';
import type { AuthUser } from './auth-user.js';
import { frontchannelLogoutPage, logoutPage, logoutRefusedPage, signInProblemPage } from './auth.pages.js';
import { Authenticated, CurrentUser, Public } from './guard/auth.decorators.js';
import { sendLoginAnswer, setCookies } from './login-answer.js';
import { LoginService } from './login.service.js';
import { requestCookies } from './request-cookies.js';

/** The login protocol's routes; LoginService runs it, errors go to the exception filter (pages for the browser's routes). */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly login: LoginService) {}

  @Public()
  @Get('login')
  @ApiExcludeEndpoint()
  async start(@Query('returnTo') returnTo: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    sendLoginAnswer(res, await this.login.start(returnTo, { cookies: requestCookies(req) }));
  }

  @Public()
  @Get('callback')
  @ApiExcludeEndpoint()
  @HtmlPage(signInProblemPage)
  async callback(@Req() req: Request, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const browser = { cookies: requestCookies(req) };
    const spent = await this.login.spentAttempt(query, browser);
    if (spent) setCookies(res, [spent]); // whatever the outcome: an attempt is used once
    const search = new URL(req.originalUrl, 'http://x').search;
    sendLoginAnswer(res, await this.login.callback(query, search, browser));
  }

  /** A confirmation page: a cross-site link or top-level navigation to this URL ends nothing. */
  @Public()
  @Get('logout')
  @ApiExcludeEndpoint()
  @HtmlPage()
  logoutPage(): string {
    this.login.assertEnabled();
    return logoutPage();
  }

  @Public()
  @Post('logout')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  @SameOriginOnly('Logout', 'Log out from this site’s own page.')
  @HtmlPage(logoutRefusedPage)
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    sendLoginAnswer(res, await this.login.logout({ cookies: requestCookies(req) }));
  }

  @Public()
  @Post('backchannel-logout')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'OIDC Back-Channel Logout 1.0: ends the user’s sessions on every instance' })
  backchannelLogout(@Body() body: Record<string, unknown> | undefined): Promise<void> {
    return this.login.backchannelLogout(body?.logout_token);
  }

  /**
   * OIDC Front-Channel Logout 1.0: the IdP's logout page loads this in an iframe with its `iss`
   * and the IdP session's `sid` (Entra, which has no back-channel logout, signs out elsewhere this
   * way). Every session of that `sid` ends on every instance. Framable by the IdP's origin only.
   */
  @Public()
  @Get('frontchannel-logout')
  @ApiExcludeEndpoint()
  @HtmlPage()
  async frontchannelLogout(@Query('iss') iss: unknown, @Query('sid') sid: unknown, @Res({ passthrough: true }) res: Response): Promise<string> {
    await this.login.frontchannelLogout(iss, sid);
    // helmet allows framing by this origin only (frame-ancestors 'self', X-Frame-Options): here the IdP's pages frame it.
    res.removeHeader('X-Frame-Options');
    res.setHeader('Content-Security-Policy', `default-src 'none'; frame-ancestors ${this.login.idpOrigins().join(' ')}`);
    return frontchannelLogoutPage();
  }

  @Authenticated()
  @Get('me')
  @ApiOperation({ summary: 'The signed-in user’s profile and roles (401 otherwise)' })
  @ApiOkResponse({ description: '{ sub, name, email, roles, via }' })
  me(@CurrentUser() user: AuthUser): Pick<AuthUser, 'sub' | 'name' | 'email' | 'roles' | 'via'> {
    return { sub: user.sub, name: user.name, email: user.email, roles: user.roles, via: user.via };
  }
}
