import { Injectable, Optional } from '@nestjs/common';
import { HttpConfig } from '../../config/http.config.js';
import { RuntimeConfig } from '../../config/runtime.config.js';
import { type CheckResult, check, Diagnoses, type DoctorCheck, type DoctorChecks, fail, ok, warn } from '../../doctor/doctor-check.js';
import { SessionsConfig } from './sessions.config.js';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/**
 * PUBLIC_BASE_URL against how the app is reached and how its cookie is set: an https address is a
 * TLS-terminating proxy in front (TRUST_PROXY must count it, or every client has the proxy's
 * address), a Secure cookie over plain http is dropped by browsers (nobody can sign in), and a
 * path is ignored by the redirect URIs.
 */
@Injectable()
@Diagnoses()
export class SessionsDoctor implements DoctorChecks {
  constructor(
    private readonly sessions: SessionsConfig,
    private readonly runtime: RuntimeConfig,
    @Optional() private readonly http?: HttpConfig,
  ) {}

  checks(): DoctorCheck[] {
    if (!this.sessions.enabled) return [];
    return [check('public-base-url', () => Promise.resolve(this.consistency()))];
  }

  consistency(): CheckResult {
    const url = new URL(this.runtime.publicBaseUrl);
    const https = url.protocol === 'https:';
    const trusted = this.http ? (typeof this.http.trustProxy === 'number' ? this.http.trustProxy > 0 : this.http.trustProxy.length > 0) : true;
    const said = `PUBLIC_BASE_URL ${url.origin}${url.pathname === '/' ? '' : url.pathname}, cookie ${this.sessions.cookieName}${this.sessions.cookieSecure ? ' (Secure)' : ''}, TRUST_PROXY ${this.http ? JSON.stringify(this.http.trustProxy) : 'n/a'}`;
    if (!https && this.sessions.cookieSecure) {
      return fail(`${said}: browsers drop a Secure cookie set over plain http, so nobody can sign in`, 'serve the app over https (PUBLIC_BASE_URL https://…), or for local plain-http development set AUTH_COOKIE_SECURE=false', 'PUBLIC_BASE_URL, AUTH_COOKIE_SECURE');
    }
    if (!https && this.runtime.isProduction) {
      return fail(`${said}: production over plain http sends the session cookie in clear`, 'put the public https address in PUBLIC_BASE_URL', 'PUBLIC_BASE_URL');
    }
    if (https && !this.sessions.cookieSecure) {
      return warn(`${said}: the session cookie is not Secure on an https site`, 'leave AUTH_COOKIE_SECURE unset (Secure follows https)', 'AUTH_COOKIE_SECURE');
    }
    if (https && !trusted) {
      return warn(
        `${said}: an https address means a TLS-terminating proxy in front, but no proxy is trusted, so every client has the proxy's address (one rate limit for all, the proxy's address in logs)`,
        'set TRUST_PROXY to the number of proxies in front (1 for one ingress)',
        'TRUST_PROXY',
      );
    }
    if (!https && !LOOPBACK.test(url.hostname)) {
      return warn(`${said}: plain http on a non-local host`, 'serve it over https', 'PUBLIC_BASE_URL');
    }
    if (url.pathname !== '/' || url.search) {
      return warn(`${said}: the path is ignored (redirect URIs are built at the root: ${new URL('/auth/callback', url).href})`, 'give the origin only', 'PUBLIC_BASE_URL');
    }
    return ok(said);
  }
}
