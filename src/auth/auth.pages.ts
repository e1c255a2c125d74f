import type { PageError } from '../common/views/error.page.js';
import { html } from '../common/views/html.js';
import { page } from '../common/views/page.js';

/** A login that did not complete: the error view of /auth/callback. */
export function signInProblemPage(error: Pick<PageError, 'message'>): string {
  return page(
    'Sign-in problem',
    html`<h1>Sign-in problem</h1>
<p id="login-error">${error.message}</p>
<p><a href="/">Home</a> · <a href="/auth/login">Try again</a></p>`,
  );
}

/**
 * The logout confirmation: logging out changes state, so it is a POST from this site's pages (a
 * plain form; the CSP forbids inline script). With a notice, the error view of POST /auth/logout.
 */
export function logoutPage(notice?: string): string {
  return page(
    'Log out',
    html`<h1>Log out?</h1>
${notice ? html`<p id="logout-notice">${notice}</p>\n` : ''}<form method="post" action="/auth/logout"><button id="logout-confirm" type="submit">Log out</button></form>
<p><a href="/">Home</a></p>`,
  );
}

/** The error view of POST /auth/logout: the confirmation again, saying why nothing happened. */
export function logoutRefusedPage(error: Pick<PageError, 'message'>): string {
  return logoutPage(error.message);
}

/**
 * Signed out here; on to the IdP's end-session endpoint. Not a redirect: the CSP's form-action
 * 'self' also covers where a form submission is redirected, and the IdP is another origin. A page
 * that moves on by itself (meta refresh, no script) is not a form submission.
 */
export function signingOutPage(url: string): string {
  return page(
    'Signing out',
    html`<h1>Signing out…</h1>
<p><a id="logout-continue" href="${url}">Continue</a></p>`,
    html`<meta http-equiv="refresh" content="0;url=${url}">`,
  );
}

/** What the IdP's logout page frames (front-channel logout): nothing to click, nothing to load. */
export function frontchannelLogoutPage(): string {
  return page('Signed out', html`<p id="frontchannel-logout">Signed out of this site.</p>`);
}
