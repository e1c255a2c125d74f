import type { DevIdpUser } from '../../../src/dev/dev-idp/dev-idp.provider.js';
import { DEMO_USER } from '../../../src/dev/dev-idp/dev-idp.provider.js';
import { HttpBrowser, login } from '../../auth/support/oidc-harness.js';

/** Users of the step-up tests: the demo user (verified e-mail) and others each test needs. */
export const BOB: DevIdpUser = {
  sub: 'bob-0002',
  username: 'bob',
  password: 'bob-password',
  name: 'Bob Second',
  givenName: 'Bob',
  familyName: 'Second',
  email: 'bob@example.test',
  emailVerified: true,
  roles: ['user'],
};
export const CAROL: DevIdpUser = {
  ...BOB,
  sub: 'carol-0003',
  username: 'carol',
  password: 'carol-password',
  name: 'Carol Phone',
  email: 'carol@example.test',
  phoneNumber: '+14255550123',
  phoneNumberVerified: true,
};
export const UNVERIFIED: DevIdpUser = { ...BOB, sub: 'dave-0004', username: 'dave', password: 'dave-password', name: 'Dave Unverified', email: 'dave@example.test', emailVerified: false };
export const STEP_UP_USERS = [DEMO_USER, BOB, CAROL, UNVERIFIED];

/**
 * A browser that keeps every answer body it received (each response is cloned and read), so a test
 * can assert what never appeared in any of them.
 */
export class RecordingBrowser extends HttpBrowser {
  readonly bodies: string[] = [];

  override async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const res = await super.request(url, init);
    this.bodies.push(`${res.status} ${url}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${await res.clone().text()}`);
    return res;
  }

  /**
   * The origin pages are served from (PUBLIC_BASE_URL): what a browser sends as `Origin` on a form
   * post, whichever instance behind the load balancer answers it. Undefined: the app's own.
   */
  publicOrigin?: string;

  /** A form post from the app's own page (the same-origin check wants Origin or Sec-Fetch-Site). */
  post(appUrl: string, path: string, form: Record<string, string>): Promise<Response> {
    return this.request(`${appUrl}${path}`, { method: 'POST', form, headers: { origin: this.publicOrigin ?? new URL(appUrl).origin } });
  }
}

/** Logs `user` in on the way to `returnTo` and returns where the app finally sent the browser, with the page. */
export async function signInTo(browser: HttpBrowser, appUrl: string, returnTo: string, user: Pick<DevIdpUser, 'username' | 'password'> = DEMO_USER): Promise<{ url: string; html: string }> {
  const { url: next } = await login(browser, appUrl, returnTo, user);
  // The app's redirect after the callback, followed as a browser would (on to /auth/second-factor).
  const { res, url } = await browser.follow(next);
  return { url, html: await res.text() };
}

/** Posts the send form; the page it answers with. */
export async function sendCode(browser: RecordingBrowser, appUrl: string, returnTo = '/account'): Promise<{ status: number; html: string; retryAfter: string | null }> {
  const res = await browser.post(appUrl, '/auth/second-factor/send', { returnTo });
  return { status: res.status, html: await res.text(), retryAfter: res.headers.get('retry-after') };
}

/** Posts the code form; a success is a 303 to returnTo with the rotated session cookie. */
export async function enterCode(browser: RecordingBrowser, appUrl: string, code: string, returnTo = '/account'): Promise<{ status: number; location: string | null; html: string; retryAfter: string | null }> {
  const res = await browser.post(appUrl, '/auth/second-factor/verify', { code, returnTo });
  return { status: res.status, location: res.headers.get('location'), html: await res.text(), retryAfter: res.headers.get('retry-after') };
}

/** The 8-digit code in a mail or SMS text (shown as `1234 5678`). */
export function codeIn(text: string): string {
  const match = /\b(\d{4}) (\d{4})\b/.exec(text);
  if (!match) throw new Error(`no code in: ${text.slice(0, 200)}`);
  return `${match[1]}${match[2]}`;
}

/** The text of an element of a page by id (tags stripped, entities of the escaper undone). */
export function textOf(html: string, id: string): string | undefined {
  const match = new RegExp(`<([a-z]+)[^>]* id="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return match?.[2]?.replace(/<[^>]+>/g, '').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim();
}
