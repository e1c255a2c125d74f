import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { HtmlPage } from '../../common/html-page.js';
import { SameOriginOnly } from '../../common/same-origin.guard.js';
import { ValidBody } from '../../common/validation.js';
import { VerifyThrottled } from '../../rate-limit/rate-limits.js';
import { AuthCookies } from '../auth-cookies.js';
import type { AuthUser, RequestWithUser } from '../auth-user.js';
import { Authenticated, CurrentUser } from '../guard/auth.decorators.js';
import { ForwardAuthConfig } from '../forward-auth/forward-auth.config.js';
import type { RedirectTargets } from '../forward-auth/redirect-targets.js';
import { SessionsConfig } from '../sessions/sessions.config.js';
import { InvalidStepUpFormError } from './step-up.errors.js';
import { rememberTarget, stepUpErrorPage, stepUpPage } from './step-up.pages.js';
import { sendFormSchema, verifyFormSchema } from './step-up.schemas.js';
import { StepUpService } from './step-up.service.js';

const invalidForm = (detail: string) => new InvalidStepUpFormError(detail);

/**
 * /auth/second-factor: the page, its send form and its code form. Anonymous browsers are sent to
 * log in first and come back (one trip). Both forms change state (a send spends the user's send
 * limits, a wrong code their checks), so they are accepted only from this site's own pages; a
 * successful code sets the rotated session cookie and returns to `returnTo`: a path of this app, or
 * an absolute URL on this origin or a host AUTH_REDIRECT_ALLOWED_HOSTS allows (the rule of
 * login and /auth/start, so forward auth's X-Auth-Step-Up can send a service's page here and back).
 */
@ApiExcludeController()
@Controller('auth/second-factor')
export class StepUpController {
  private readonly cookies: AuthCookies;
  private readonly returnTargets: RedirectTargets;

  constructor(
    private readonly stepUp: StepUpService,
    forwardAuth: ForwardAuthConfig,
    sessions: SessionsConfig,
  ) {
    this.cookies = new AuthCookies(sessions);
    this.returnTargets = forwardAuth.redirectTargets;
  }

  @Authenticated()
  @Get()
  @HtmlPage(stepUpErrorPage)
  page(@CurrentUser() user: AuthUser, @Query('returnTo') returnTo: unknown, @Res({ passthrough: true }) res: Response): string {
    const target = this.stepUp.target(user);
    rememberTarget(res, target);
    return stepUpPage(target, this.back(returnTo));
  }

  @Authenticated()
  @Post('send')
  @HttpCode(200)
  @SameOriginOnly('Second factor: send', 'Send the code from this site’s own page.')
  @HtmlPage(stepUpErrorPage)
  async send(
    @ValidBody(sendFormSchema, invalidForm) body: { returnTo?: string },
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    rememberTarget(res, this.stepUp.target(user));
    const sent = await this.stepUp.send(user);
    return stepUpPage(sent, this.back(body.returnTo), { kind: 'sent', expiresAt: sent.expiresAt });
  }

  @Authenticated()
  @Post('verify')
  @VerifyThrottled()
  @SameOriginOnly('Second factor: verify', 'Enter the code on this site’s own page.')
  @HtmlPage(stepUpErrorPage)
  async verify(
    @ValidBody(verifyFormSchema, invalidForm) body: { code: string; returnTo?: string },
    @Req() req: RequestWithUser,
    @Res() res: Response,
  ): Promise<void> {
    // @Authenticated(): the guard set it (with sign-in off, these routes answer 404 AUTH_DISABLED).
    const user = req.user!;
    rememberTarget(res, this.stepUp.target(user));
    const { cookie } = await this.stepUp.verify(user, body.code);
    const session = this.cookies.session(cookie);
    res.cookie(session.name, session.value!, session.options);
    res.redirect(303, this.back(body.returnTo));
  }

  private back(returnTo: unknown): string {
    return typeof returnTo === 'string' ? this.returnTargets.location(returnTo) : '/';
  }
}
