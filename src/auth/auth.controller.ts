import { Body, Controller, Get, Header, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { HtmlPage } from '../common/html-page.js';
import { SameOriginOnly } from '../common/same-origin.guard.js';
import type { AuthUser } from './auth-user.js';
import { logoutPage, logoutRefusedPage, signInProblemPage, signingOutPage } from './auth.pages.js';
import type { CookieChange } from './auth-cookies.js';
import { Authenticated, CurrentUser, Public } from './guard/auth.decorators.js';
import { type LoginAnswer, LoginService } from './login.service.js';
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
    send(res, await this.login.start(returnTo, { cookies: requestCookies(req) }));
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
    send(res, await this.login.callback(query, search, browser));
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
    send(res, await this.login.logout({ cookies: requestCookies(req) }));
  }

  @Public()
  @Post('backchannel-logout')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'OIDC Back-Channel Logout 1.0: ends the user’s sessions on every instance' })
  backchannelLogout(@Body() body: Record<string, unknown> | undefined): Promise<void> {
    return this.login.backchannelLogout(body?.logout_token);
  }

  @Authenticated()
  @Get('me')
  @ApiOperation({ summary: 'The signed-in user’s profile and roles (401 otherwise)' })
  @ApiOkResponse({ description: '{ sub, name, email, roles, via }' })
  me(@CurrentUser() user: AuthUser): Pick<AuthUser, 'sub' | 'name' | 'email' | 'roles' | 'via'> {
    return { sub: user.sub, name: user.name, email: user.email, roles: user.roles, via: user.via };
  }
}

function setCookies(res: Response, cookies: readonly CookieChange[]): void {
  for (const { name, value, options } of cookies) {
    if (value === undefined) res.clearCookie(name, options);
    else res.cookie(name, value, options);
  }
}

/** A redirect, or the signing-out page that moves on by itself. */
function send(res: Response, answer: LoginAnswer): void {
  res.setHeader('Cache-Control', 'no-store');
  setCookies(res, answer.cookies);
  if (answer.redirect) res.redirect(302, answer.redirect);
  else res.status(200).type('html').send(signingOutPage(answer.continueTo ?? '/'));
}
