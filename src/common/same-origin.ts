import type { IncomingHttpHeaders } from 'node:http';
import { Logger } from '@nestjs/common';
import { AppError } from './app-error.js';

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

/** A state-changing request that did not come from the app's own pages: 403, as HTML on pages and JSON elsewhere. */
export class CrossSiteRequestError extends AppError {
  constructor(
    readonly reason: string,
    message = 'This is accepted only from this site’s own pages.',
  ) {
    super('CROSS_SITE_REQUEST', message, 403);
  }
}

const logger = new Logger('SameOrigin');

/** Throws CrossSiteRequestError (and logs why) unless the request comes from the app's own pages. */
export function assertSameOrigin(headers: IncomingHttpHeaders, publicBaseUrl: string, what: string, message?: string): void {
  const reason = crossSiteReason(headers, publicBaseUrl);
  if (!reason) return;
  logger.warn(`${what} refused: ${reason}`);
  throw new CrossSiteRequestError(reason, message);
}
