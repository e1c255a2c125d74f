import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppError } from '../../common/app-error.js';
import { HtmlPage } from '../../common/html-page.js';
import { signInProblemPage } from '../auth.pages.js';
import { Public } from '../guard/auth.decorators.js';
import { sendLoginAnswer } from '../login-answer.js';
import { LoginService } from '../login.service.js';
import { requestCookies } from '../request-cookies.js';
import { SessionsConfig } from '../sessions/sessions.config.js';
import { SecondFactorRequiredError } from './forward-auth.errors.js';
import { signInRequiredPage } from './forward-auth.pages.js';
import { ForwardAuthService } from './forward-auth.service.js';
import { rdFromQuery } from './redirect-targets.js';
import { readVerifyRequest } from './verify-request.js';

/** The request line's field for the URI a forward-auth subrequest asked about (path only: a query may hold a secret). */
export const FORWARDED_URI_LOG_FIELD = 'forwardedUri';

/** Forward auth for reverse proxies: the decision (/auth/verify) and the login entry point (/auth/start). */
@ApiTags('auth')
@Controller('auth')
export class ForwardAuthController {
  constructor(
    private readonly forwardAuth: ForwardAuthService,
    private readonly login: LoginService,
    private readonly sessions: SessionsConfig,
  ) {}

  /**
   * nginx `auth_request`, Traefik ForwardAuth, Envoy ext_authz (HTTP; with `path_prefix:
   * /auth/verify` the client's path follows it). 200 with oauth2-proxy's X-Auth-Request-* headers,
   * 401 without a valid session or Bearer token, 403 without an allowed role: never a redirect.
   */
  @Public()
  @Get(['verify', 'verify/*path'])
  @ApiOperation({
    summary: 'Forward-auth decision for reverse proxies (nginx auth_request, Traefik ForwardAuth, Envoy ext_authz)',
    description:
      'Query: allowed_roles=a,b (403 without one of them), second_factor=1 (401 with X-Auth-Step-Up naming the step-up page), audience=<aud> (answers with Authorization: Bearer <token for aud>). 200 sets X-Auth-Request-User, -Email, -Groups, -Preferred-Username.',
  })
  async verify(@Req() req: Request, @Query() query: Record<string, unknown>, @Param('path') path: unknown, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    this.login.assertEnabled();
    const envoyPath = path === undefined ? undefined : `/${[path].flat().join('/')}${new URL(req.originalUrl, 'http://x').search}`;
    const request = readVerifyRequest(query, req.headers, requestCookies(req)[this.sessions.cookieName], envoyPath);
    if (request.original) (req as Request & Record<string, unknown>)[FORWARDED_URI_LOG_FIELD] = request.original.pathname;
    let headers: Record<string, string>;
    try {
      headers = await this.forwardAuth.verify(request);
    } catch (error) {
      // A browser behind Traefik or Envoy sees this answer: a page that offers the way on, status unchanged.
      if (!(error instanceof AppError) || error.status !== 401 || req.accepts(['json', 'html']) !== 'html') throw error;
      for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
      const next = error instanceof SecondFactorRequiredError ? { url: error.stepUpUrl, label: 'Second factor required' } : this.signIn(request);
      res.status(401).type('html').send(signInRequiredPage(next));
      return;
    }
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.status(200).end();
  }

  /**
   * The login entry point for proxies (oauth2-proxy's /oauth2/start): after the login, back to
   * `rd`, which must be this app's origin or a host AUTH_REDIRECT_ALLOWED_HOSTS allows (400
   * otherwise). `rd` may come unencoded as the last parameter (nginx's `$request_uri`).
   */
  @Public()
  @Get('start')
  @ApiExcludeEndpoint()
  @HtmlPage(signInProblemPage)
  async start(@Req() req: Request, @Res() res: Response): Promise<void> {
    const rd = rdFromQuery(new URL(req.originalUrl, 'http://x').search.slice(1));
    sendLoginAnswer(res, await this.login.startFor(rd, { cookies: requestCookies(req) }));
  }

  private signIn(request: Parameters<ForwardAuthService['returnTarget']>[0]): { url: string; label: string } | undefined {
    const target = this.forwardAuth.returnTarget(request);
    return target ? { url: this.login.startUrl(target), label: 'Sign in required' } : undefined;
  }
}
