import { Body, Controller, ForbiddenException, Get, Header, HttpCode, Logger, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiExcludeController } from '@nestjs/swagger';
import { AuthConfig } from '../auth/auth.config.js';
import { Authenticated, CurrentUser, IdentifyCaller, LoginPage, Public } from '../auth/auth.decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { escapeHtml } from '../common/html.js';
import type { RequestWithUser } from '../auth/auth-user.js';
import { CodesService } from '../codes/codes.service.js';
import { ownerOf } from '../codes/code-owner.js';
import { VerificationService } from '../verification/verification.service.js';
import { verifierOf } from '../verification/verification.controller.js';
import { TooManyAttemptsError } from '../verification/verification.errors.js';
import { VerifyThrottled } from '../rate-limit/rate-limits.js';
import { AppError } from '../common/app-error.js';
import { crossSiteReason } from '../auth/same-origin.js';

/** What the two-step panel shows after a form post. */
export type TwoStepState =
  | { kind: 'issued'; code: string }
  | { kind: 'valid' }
  | { kind: 'invalid' }
  | { kind: 'too-many'; retryAfterSeconds: number }
  | { kind: 'error'; message: string };

@ApiExcludeController()
@Controller()
export class HomeController {
  private readonly logger = new Logger(HomeController.name);

  constructor(
    private readonly auth: AuthConfig,
    private readonly codes: CodesService,
    private readonly verification: VerificationService,
  ) {}

  @Public()
  @IdentifyCaller()
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  home(@CurrentUser() user: AuthUser | undefined): string {
    return renderHomePage(this.auth.enabled ? { user } : undefined);
  }

  /** The two-step panel's "Get a code" form: the same issuance as GET /api/v1/getcode (bound when signed in). */
  @Public()
  @IdentifyCaller()
  @Post('two-step-code')
  @HttpCode(200)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async twoStepCode(@Req() req: RequestWithUser, @Res({ passthrough: true }) res: Response): Promise<string> {
    this.refuseCrossSite(req, 'two-step-code');
    let state: TwoStepState;
    try {
      state = { kind: 'issued', code: (await this.codes.issue(ownerOf(req.user))).code };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      res.status(error.status);
      state = { kind: 'error', message: error.message };
    }
    return renderHomePage(this.auth.enabled ? { user: req.user } : undefined, state);
  }

  /** The panel's "Verify" form: the same check and attempt budget as POST /api/v1/verifycode. */
  @Public()
  @IdentifyCaller()
  @Post('two-step-verify')
  @HttpCode(200)
  @VerifyThrottled()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async twoStepVerify(@Body() body: unknown, @Req() req: RequestWithUser, @Res({ passthrough: true }) res: Response): Promise<string> {
    this.refuseCrossSite(req, 'two-step-verify');
    const code = typeof (body as { code?: unknown } | undefined)?.code === 'string' ? ((body as { code: string }).code).slice(0, 64) : '';
    let state: TwoStepState;
    try {
      state = code && (await this.verification.verify(code, verifierOf(req))) ? { kind: 'valid' } : { kind: 'invalid' };
    } catch (error) {
      if (error instanceof TooManyAttemptsError) {
        res.status(429).setHeader('Retry-After', String(error.retryAfterSeconds));
        state = { kind: 'too-many', retryAfterSeconds: error.retryAfterSeconds };
      } else if (error instanceof AppError) {
        res.status(error.status);
        state = { kind: 'error', message: error.message };
      } else throw error;
    }
    return renderHomePage(this.auth.enabled ? { user: req.user } : undefined, state);
  }

  /**
   * The panel's forms change state for the signed-in user (a new code replaces the old one; a wrong
   * guess spends their attempt budget), so, like logout, they are accepted only from the app's own
   * pages: another site's auto-submitting form would otherwise revoke the user's codes.
   */
  private refuseCrossSite(req: RequestWithUser, form: string): void {
    const reason = crossSiteReason(req.headers, this.auth.publicBaseUrl);
    if (!reason) return;
    this.logger.warn(`Two-step form ${form} refused: ${reason}`);
    throw new ForbiddenException('This form is accepted only from this site\'s own pages.');
  }

  /** A page only signed-in users see: anonymous browsers are sent to log in and back. */
  @Authenticated()
  @LoginPage()
  @Get('profile')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  profile(@CurrentUser() user: AuthUser): string {
    return page(
      'Your profile',
      `<h1>Your profile</h1>
<p id="profile-name">${escapeHtml(user.name)}</p>
<dl><dt>Subject</dt><dd>${escapeHtml(user.sub)}</dd><dt>Email</dt><dd>${escapeHtml(user.email ?? '')}</dd>
<dt>Roles</dt><dd id="profile-roles">${escapeHtml(user.roles.join(', '))}</dd></dl>
<p><a href="/">Home</a></p>
${logoutForm('/auth/logout')}`,
    );
  }
}

/** `auth` is undefined when sign-in is off (AUTH_PROVIDER=none): no login bar at all. */
export function renderHomePage(auth?: { user?: AuthUser }, twoStep?: TwoStepState): string {
  const bar = !auth
    ? ''
    : auth.user
      ? `<nav><span id="user-name">${escapeHtml(auth.user.name)}</span> · <a href="./profile">Profile</a> ${logoutForm('./auth/logout')}</nav>`
      : `<nav><a id="login" href="./auth/login">Log in</a></nav>`;
  return page(
    'Integrated auth service',
    `${bar}
<h1>Home page of the main app</h1>
<p>Make a request to <a href="./api/v1/getcode">/api/v1/getcode</a>.</p>
<p>API documentation: <a href="./docs">/docs</a>.</p>
${renderTwoStepPanel(twoStep)}`,
  );
}

/** Logout changes state: a POST from this page (checked same-origin), never a link another site could follow. */
function logoutForm(action: string): string {
  return `<form method="post" action="${action}"><button id="logout" type="submit">Log out</button></form>`;
}

/**
 * "Two-step code": plain forms, no script (the CSP stays strict). Get a code, type it back, see
 * valid / invalid / too many attempts. Same rules as the API: a signed-in caller's code is bound.
 */
export function renderTwoStepPanel(state?: TwoStepState): string {
  const result = !state
    ? ''
    : state.kind === 'issued'
      ? `<p>Your code: <output id="two-step-code">${escapeHtml(state.code)}</output></p>`
      : state.kind === 'valid'
        ? '<p id="two-step-result" class="valid">valid</p>'
        : state.kind === 'invalid'
          ? '<p id="two-step-result" class="invalid">invalid</p>'
          : state.kind === 'too-many'
            ? `<p id="two-step-result" class="too-many">too many attempts: try again in ${state.retryAfterSeconds} s</p>`
            : `<p id="two-step-result" class="error">${escapeHtml(state.message)}</p>`;
  return `<section id="two-step">
<h2>Two-step code</h2>
<form method="post" action="./two-step-code"><button id="two-step-get" type="submit">Get a code</button></form>
${result}
<form method="post" action="./two-step-verify">
<label for="two-step-input">Code</label> <input id="two-step-input" name="code" autocomplete="one-time-code" maxlength="64" required>
<button id="two-step-verify" type="submit">Verify</button>
</form>
</section>`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
