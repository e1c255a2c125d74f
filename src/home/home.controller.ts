import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiExcludeController } from '@nestjs/swagger';
import { HtmlPage } from '../common/html-page.js';
import { SameOriginOnly } from '../common/same-origin.guard.js';
import { ValidBody } from '../common/validation.js';
import type { AuthUser, RequestWithUser } from '../auth/auth-user.js';
import { Authenticated, CurrentUser, IdentifyCaller, Public } from '../auth/guard/auth.decorators.js';
import { CodesService } from '../codes/codes.service.js';
import { VerifyThrottled } from '../rate-limit/rate-limits.js';
import { InvalidVerifyRequestError } from '../verification/verification.errors.js';
import { verifyCodeRequestSchema } from '../verification/verification.schemas.js';
import { VerificationService } from '../verification/verification.service.js';
import { verifierOf } from '../verification/verifier.js';
import { accountPage, profilePage, renderHomePage, twoStepErrorPage, viewerOf } from './home.pages.js';
import { RequireSecondFactor } from '../auth/step-up/require-second-factor.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { destinationOf, maskDestination } from '../delivery/destination.js';

/**
 * The home page with its two-step panel (the same issuance, body rules and check as the API, as
 * plain forms) and the profile page. The panel's forms change state for the signed-in user (a new
 * code replaces the old one; a wrong guess spends their attempt budget), so, like logout, they are
 * accepted only from the app's own pages: another site's auto-submitting form would otherwise
 * revoke the user's codes.
 */
@ApiExcludeController()
@Controller()
export class HomeController {
  constructor(
    private readonly codes: CodesService,
    private readonly verification: VerificationService,
    private readonly delivery: DeliveryService,
  ) {}

  @Public()
  @IdentifyCaller()
  @Get()
  @HtmlPage()
  home(@Req() req: RequestWithUser, @Res({ passthrough: true }) res: Response): string {
    return renderHomePage(viewerOf(req, res));
  }

  /**
   * The panel's "Get a code" form: the same issuance as GET /api/v1/getcode (bound when signed in),
   * under the same GETCODE_AUTH, which CodesService enforces (this page stays public: anonymous
   * browsers see the panel, and its error view says why no code was issued).
   */
  @Public()
  @IdentifyCaller()
  @Post('two-step-code')
  @HttpCode(200)
  @SameOriginOnly('Two-step form two-step-code')
  @HtmlPage(twoStepErrorPage)
  async twoStepCode(@Req() req: RequestWithUser, @Res({ passthrough: true }) res: Response): Promise<string> {
    const { code } = await this.codes.issue(req.user);
    return renderHomePage(viewerOf(req, res), { kind: 'issued', code });
  }

  /** The panel's "Verify" form: the same body rules, check and attempt budget as POST /api/v1/verifycode. */
  @Public()
  @IdentifyCaller()
  @Post('two-step-verify')
  @HttpCode(200)
  @VerifyThrottled()
  @SameOriginOnly('Two-step form two-step-verify')
  @HtmlPage(twoStepErrorPage)
  async twoStepVerify(
    @ValidBody(verifyCodeRequestSchema, (detail) => new InvalidVerifyRequestError(detail)) body: { code: string },
    @Req() req: RequestWithUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const valid = await this.verification.verify(body.code, verifierOf(req));
    return renderHomePage(viewerOf(req, res), { kind: valid ? 'valid' : 'invalid' });
  }

  /** A page only signed-in users see: anonymous browsers are sent to log in and back. */
  @Authenticated()
  @Get('profile')
  @HtmlPage()
  profile(@CurrentUser() user: AuthUser): string {
    return profilePage(user);
  }

  /**
   * The first page that needs a second factor: who is signed in, where codes go (masked) and when
   * the second factor was done. Without a fresh one the browser is sent to /auth/second-factor.
   */
  @RequireSecondFactor()
  @Get('account')
  @HtmlPage()
  account(@CurrentUser() user: AuthUser): string {
    const destination = destinationOf(user.contacts, this.delivery.reaches);
    return accountPage(user, destination && maskDestination(destination));
  }
}
