import { RETURN_TO_MAX_LENGTH, safeReturnTo } from '../return-to.js';

/** Longest `rd` accepted, as returnTo: it travels in the sealed login-transaction cookie, which stays far under 4 KB. */
export const RD_MAX_LENGTH = RETURN_TO_MAX_LENGTH;

/**
 * One entry of AUTH_REDIRECT_ALLOWED_HOSTS: `host`, `*.host` (its subdomains, not itself), each
 * optionally with `:port` or `:*` (any port). Without a port, only the scheme's default port
 * (oauth2-proxy's `--whitelist-domain` rule).
 */
export interface AllowedHost {
  readonly host: string;
  readonly subdomains: boolean;
  /** A port number as text, `*` for any, undefined for the scheme's default port only. */
  readonly port?: string;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };
const HOST_LABELS = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Parses AUTH_REDIRECT_ALLOWED_HOSTS entries; a malformed one is a problem naming the entry. */
export function parseAllowedHosts(entries: readonly string[]): { hosts: AllowedHost[]; problems: string[] } {
  const hosts: AllowedHost[] = [];
  const problems: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    const m = /^(\*\.)?([^:*/\\@[\]]+)(?::(\d{1,5}|\*))?$/.exec(entry);
    const host = m?.[2];
    if (!m || !host || !HOST_LABELS.test(host) || (m[3] !== undefined && m[3] !== '*' && (Number(m[3]) < 1 || Number(m[3]) > 65535))) {
      problems.push(`"${raw}" is not a host, *.host, host:port or host:* (letters, digits, dots and hyphens)`);
      continue;
    }
    hosts.push({ host, subdomains: m[1] !== undefined, ...(m[3] !== undefined ? { port: m[3] } : {}) });
  }
  return { hosts, problems };
}

/** Whether `url`'s host and port are those of one allowed entry. */
export function hostAllowed(url: URL, allowed: readonly AllowedHost[]): boolean {
  const hostname = url.hostname;
  const port = url.port || DEFAULT_PORTS[url.protocol];
  return allowed.some(
    (entry) =>
      (entry.subdomains ? hostname.endsWith(`.${entry.host}`) : hostname === entry.host) &&
      (entry.port === '*' || (entry.port ?? DEFAULT_PORTS[url.protocol]) === port),
  );
}

/**
 * Where a login started by a proxy (`/auth/start?rd=`) may return to: this app's own origin, or
 * an absolute URL on a host AUTH_REDIRECT_ALLOWED_HOSTS names. The value is read as a browser will
 * read the `Location` we send (WHATWG URL, resolved against PUBLIC_BASE_URL) and the answer is the
 * parser's own serialisation, never the input: `\`, tabs, userinfo, IDN and percent tricks are
 * decided on the URL the browser would go to.
 */
export class RedirectTargets {
  private readonly base: URL;

  constructor(
    publicBaseUrl: string,
    private readonly allowed: readonly AllowedHost[],
  ) {
    this.base = new URL(publicBaseUrl);
  }

  /** The normalised absolute URL `rd` names when it may be returned to; undefined when it is refused. */
  absolute(rd: unknown): string | undefined {
    if (typeof rd !== 'string' || rd.length === 0 || rd.length > RD_MAX_LENGTH) return undefined;
    // Refused rather than stripped: the URL parser drops tabs and newlines and trims spaces and C0.
    if (/[\u0000-\u0020\u007f]/.test(rd)) return undefined;
    let url: URL;
    try {
      url = new URL(rd, this.base);
    } catch {
      return undefined;
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.base.protocol === 'http:')) return undefined;
    if (url.username || url.password) return undefined;
    if (url.origin !== this.base.origin && !hostAllowed(url, this.allowed)) return undefined;
    const href = url.href;
    // A header value no browser rewrites: the serialiser percent-encodes the rest.
    return href.length <= RD_MAX_LENGTH && /^[\u0021-\u007e]+$/.test(href) ? href : undefined;
  }

  /**
   * The `Location` a finished login sends, from the return target its transaction carries: a path
   * of this app (checked as returnTo always is) or an allowed absolute URL, checked again as sent;
   * `/` for anything else.
   */
  location(returnTo: string): string {
    if (returnTo.startsWith('/')) return safeReturnTo(returnTo, this.base.href);
    return this.absolute(returnTo) ?? '/';
  }

  /** Whether a URL (a forwarded request's) is on this origin or an allowed host: its host may label metrics. */
  isKnownHost(url: URL): boolean {
    return url.host === this.base.host || hostAllowed(url, this.allowed);
  }
}

/**
 * `rd` from a raw query string. Proxies build it from the request they refused, in three shapes:
 * - encoded, as a parameter should be (`rd=https%3A%2F%2Fsvc%2Fp%3Fa%3D1`);
 * - ingress-nginx: scheme and host raw, the rest encoded (`rd=https://svc%2Fp%3Fa%3D1`, from
 *   `$escaped_request_uri`): the ordinary parameter too;
 * - nginx has no URL encoder (`/auth/start?rd=$scheme://$http_host$request_uri`): the URL arrives
 *   raw, a path right after its host (`rd=https://svc/p?a=1&b=2`), and everything after `rd=` is
 *   that URL, query included, taken as is (decoding would change the path's own escapes).
 */
export function rdFromQuery(rawQuery: string): string | undefined {
  const m = /(?:^|&)rd=/.exec(rawQuery);
  if (!m) return undefined;
  const rest = rawQuery.slice(m.index + m[0].length);
  if (/^https?:\/\/[^/?#%&]+[/?#]/i.test(rest)) return rest;
  const value = new URLSearchParams(rawQuery).get('rd');
  return value ?? undefined;
}
