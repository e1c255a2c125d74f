import type { IncomingHttpHeaders } from 'node:http';

/**
 * Why a state-changing browser request is not from the app's own pages, or undefined when it is.
 * Browsers send `Origin` on every POST and `Sec-Fetch-Site` to trustworthy origins; whichever is
 * present must say "same origin", and a request with neither is refused (no browser that could be
 * tricked into sending it omits both).
 */
export function crossSiteReason(headers: IncomingHttpHeaders, publicBaseUrl: string): string | undefined {
  const site = headers['sec-fetch-site'];
  const origin = headers.origin;
  if (site === undefined && origin === undefined) return 'neither Origin nor Sec-Fetch-Site sent';
  if (site !== undefined && site !== 'same-origin') return `Sec-Fetch-Site is ${String(site).slice(0, 20)}`;
  if (origin !== undefined && origin !== new URL(publicBaseUrl).origin) return 'Origin is another site';
  return undefined;
}
