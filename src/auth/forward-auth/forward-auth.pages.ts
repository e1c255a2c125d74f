import { html } from '../../common/views/html.js';
import { page } from '../../common/views/page.js';

/**
 * The body of a 401 from /auth/verify for a browser (Traefik and Envoy hand the auth answer to the
 * client; nginx does not show it). Still a 401, never a redirect: a link, and a meta refresh to
 * the login (or the step-up page) when the request it refused may be returned to.
 */
export function signInRequiredPage(next: { url: string; label: string } | undefined): string {
  if (!next) return page('Sign in required', html`<h1>Sign in required</h1>\n<p id="verify-refused">Sign in on the application's own page, then come back.</p>`);
  return page(
    next.label,
    html`<h1>${next.label}</h1>\n<p><a id="verify-continue" href="${next.url}">Continue</a></p>`,
    html`<meta http-equiv="refresh" content="0;url=${next.url}">`,
  );
}
