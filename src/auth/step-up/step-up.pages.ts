import type { Request, Response } from 'express';
import type { PageError } from '../../common/views/error.page.js';
import { type Html, html } from '../../common/views/html.js';
import { page } from '../../common/views/page.js';
import type { StepUpTarget } from './step-up.service.js';

/** What the second-factor page says beside its forms. */
export type StepUpNotice =
  | { readonly kind: 'sent'; readonly expiresAt: Date }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

/** Errors that leave nothing to send or type: the page explains and offers only a way out. */
const DEAD_ENDS = new Set(['NO_VERIFIED_DESTINATION', 'NO_SECOND_CHANNEL', 'SESSION_REQUIRED']);

/** The destination the page shows, left in `res.locals` by the controller for its error view. */
const TARGET = 'stepUpTarget';

export function rememberTarget(res: Response, target: StepUpTarget): void {
  res.locals[TARGET] = target;
}

/**
 * /auth/second-factor: one form sends a code, one form takes it (plain forms, no script, both
 * posted to this site only). The code never appears here: only where it went, masked, and when it
 * expires.
 */
export function stepUpPage(target: StepUpTarget | undefined, returnTo: string, notice?: StepUpNotice): string {
  const deadEnd = notice?.kind === 'error' && DEAD_ENDS.has(notice.code);
  const hidden = html`<input type="hidden" name="returnTo" value="${returnTo}">`;
  const where = target
    ? html`<p id="step-up-intro">We send a one-time code to <strong id="step-up-destination">${target.destination}</strong>. Enter it to continue.</p>`
    : '';
  return page(
    'Confirm it is you',
    html`<h1>Confirm it is you</h1>
${deadEnd ? '' : where}
${notice ? noticeOf(notice) : ''}
${
  deadEnd
    ? html`<form method="post" action="/auth/logout"><button id="logout" type="submit">Log out</button></form>`
    : html`<form method="post" action="/auth/second-factor/send">${hidden}<button id="step-up-send" type="submit">Send a code</button></form>
<form method="post" action="/auth/second-factor/verify">${hidden}
<label for="step-up-code">Code</label> <input id="step-up-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="32" required>
<button id="step-up-verify" type="submit">Continue</button>
</form>`
}
<p><a href="/">Home</a></p>`,
  );
}

function noticeOf(notice: StepUpNotice): Html {
  if (notice.kind === 'sent') {
    return html`<p id="step-up-sent">Code sent. It expires at ${notice.expiresAt.toISOString().slice(11, 16)} UTC. If nothing arrives, check your spam folder or send a new code in a moment.</p>`;
  }
  return html`<p id="step-up-error" class="${notice.code.toLowerCase().replace(/_/g, '-')}" role="alert">${notice.message}</p>`;
}

/** The error view of the step-up routes: the same page, saying what went wrong and when to try again (the message says; Retry-After too). */
export function stepUpErrorPage(error: PageError, request: Request, response: Response): string {
  const body = (request.body ?? {}) as { returnTo?: unknown };
  const returnTo = typeof body.returnTo === 'string' ? body.returnTo : typeof request.query.returnTo === 'string' ? request.query.returnTo : '/';
  return stepUpPage(response.locals[TARGET] as StepUpTarget | undefined, returnTo, {
    kind: 'error',
    code: error.error,
    message: error.message,
  });
}
