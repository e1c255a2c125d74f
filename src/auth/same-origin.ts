import type { IncomingHttpHeaders } from 'node:http';

/**
 * Why a state-changing browser request is not from the app's own pages, or undefined when it is.
 * `Sec-Fetch-Site` (set by the browser, never by page script) decides when present: it must be
 * `same-origin`. Without it (older browsers, plain-http non-local origins) `Origin` must be the
 * app's origin. A request with neither is refused: no browser that could be tricked into sending it
 * omits both. `Origin: null` alone is refused too; the app's pages send `Referrer-Policy:
 * no-referrer` (helmet), under which browsers send `Origin: null` even same-origin, but those
 * browsers also send `Sec-Fetch-Site`.
 */
export function crossSiteReason(headers: IncomingHttpHeaders, publicBaseUrl: string): string | undefined {
  const site = headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' ? undefined : `Sec-Fetch-Site is ${String(site).slice(0, 20)}`;
  const origin = headers.origin;
  if (origin === undefined) return 'neither Origin nor Sec-Fetch-Site sent';
  return origin === new URL(publicBaseUrl).origin ? undefined : 'Origin is another site';
}
