import type { Request, Response } from 'express';
import type { AuthUser } from '../auth/auth-user.js';
import type { PageError } from '../common/views/error.page.js';
import { type Html, html } from '../common/views/html.js';
import { page } from '../common/views/page.js';

/** What the two-step panel shows after a form post. */
export type TwoStepState =
  | { kind: 'issued'; code: string }
  | { kind: 'valid' }
  | { kind: 'invalid' }
  | { kind: 'too-many'; retryAfterSeconds: number }
  | { kind: 'error'; message: string };

/** Who the page is for: undefined when sign-in is off (AUTH_PROVIDER=none: no login bar at all). */
export type HomeViewer = { user?: AuthUser } | undefined;

/** Whether sign-in is on, left in Express's per-request view data (`res.locals`) by HomeModule for the pages and their error views. */
const SIGN_IN = 'signInEnabled';

export function setSignIn(res: Response, enabled: boolean): void {
  res.locals[SIGN_IN] = enabled;
}

/** The viewer of a home page request: its caller (set by the guard), when sign-in is on. */
export function viewerOf(req: Request & { user?: AuthUser }, res: Response): HomeViewer {
  return res.locals[SIGN_IN] === true ? { user: req.user } : undefined;
}

export function renderHomePage(viewer: HomeViewer, twoStep?: TwoStepState): string {
  const bar = !viewer
    ? ''
    : viewer.user
      ? html`<nav><span id="user-name">${viewer.user.name}</span> · <a href="./profile">Profile</a> ${logoutForm('./auth/logout')}</nav>`
      : html`<nav><a id="login" href="./auth/login">Log in</a></nav>`;
  return page(
    'Integrated auth service',
    html`${bar}
<h1>Home page of the main app</h1>
<p>Make a request to <a href="./api/v1/getcode">/api/v1/getcode</a>.</p>
<p>API documentation: <a href="./docs">/docs</a>.</p>
${renderTwoStepPanel(twoStep)}`,
  );
}

/** The panel's forms' error view: the home page with the panel saying what went wrong (too many attempts, refused, unavailable). */
export function twoStepErrorPage(error: PageError, request: Request, response: Response): string {
  const retryAfter = Number(error.headers['Retry-After']);
  const state: TwoStepState =
    error.error === 'TOO_MANY_ATTEMPTS' && Number.isFinite(retryAfter) ? { kind: 'too-many', retryAfterSeconds: retryAfter } : { kind: 'error', message: error.message };
  return renderHomePage(viewerOf(request, response), state);
}

/** A page only signed-in users see. */
export function profilePage(user: AuthUser): string {
  return page(
    'Your profile',
    html`<h1>Your profile</h1>
<p id="profile-name">${user.name}</p>
<dl><dt>Subject</dt><dd>${user.sub}</dd><dt>Email</dt><dd>${user.email ?? ''}</dd>
<dt>Roles</dt><dd id="profile-roles">${user.roles.join(', ')}</dd></dl>
<p><a href="/">Home</a></p>
${logoutForm('/auth/logout')}`,
  );
}

/** The account page: behind a second factor. */
export function accountPage(user: AuthUser, destination: string | undefined): string {
  const assurance = user.assurance;
  const at = assurance?.secondFactorAt ?? (assurance?.authTime !== undefined ? assurance.authTime * 1000 : undefined);
  const how = assurance?.secondFactorAt !== undefined ? 'a code sent to you' : 'your identity provider';
  return page(
    'Your account',
    html`<h1>Your account</h1>
<p id="account-name">${user.name}</p>
<dl><dt>Subject</dt><dd id="account-subject">${user.sub}</dd>
<dt>Codes go to</dt><dd id="account-destination">${destination ?? 'nowhere: your identity provider has not verified a destination'}</dd>
<dt>Second factor</dt><dd id="account-second-factor">${at !== undefined ? html`<time datetime="${new Date(at).toISOString()}">${new Date(at).toISOString().replace('T', ' ').slice(0, 19)} UTC</time>, by ${how}` : 'not done'}</dd></dl>
<p><a href="/">Home</a> · <a href="/profile">Profile</a></p>
${logoutForm('/auth/logout')}`,
  );
}

/** Logout changes state: a POST from this page (checked same-origin), never a link another site could follow. */
function logoutForm(action: string): Html {
  return html`<form method="post" action="${action}"><button id="logout" type="submit">Log out</button></form>`;
}

/**
 * "Two-step code": plain forms, no script (the CSP stays strict). Get a code, type it back, see
 * valid / invalid / too many attempts. Same rules as the API: a signed-in caller's code is bound.
 */
export function renderTwoStepPanel(state?: TwoStepState): Html {
  const result = !state
    ? ''
    : state.kind === 'issued'
      ? html`<p>Your code: <output id="two-step-code">${state.code}</output></p>`
      : state.kind === 'valid'
        ? html`<p id="two-step-result" class="valid">valid</p>`
        : state.kind === 'invalid'
          ? html`<p id="two-step-result" class="invalid">invalid</p>`
          : state.kind === 'too-many'
            ? html`<p id="two-step-result" class="too-many">too many attempts: try again in ${state.retryAfterSeconds} s</p>`
            : html`<p id="two-step-result" class="error">${state.message}</p>`;
  return html`<section id="two-step">
<h2>Two-step code</h2>
<form method="post" action="./two-step-code"><button id="two-step-get" type="submit">Get a code</button></form>
${result}
<form method="post" action="./two-step-verify">
<label for="two-step-input">Code</label> <input id="two-step-input" name="code" autocomplete="one-time-code" maxlength="64" required>
<button id="two-step-verify" type="submit">Verify</button>
</form>
</section>`;
}
