import { defineMetrics } from '../../observability/instruments.js';

const forwardAuthMetrics = defineMetrics((meter) => ({
  decisions: meter.createCounter('auth.forward_decisions', {
    description: 'Forward-auth decisions (/auth/verify), by outcome and by the host of the request the proxy asked about.',
  }),
}));

/**
 * `outcome`: allowed, unauthenticated, forbidden, second_factor, bad_request, error. `host`: the
 * forwarded request's host when it is this app's or an allowed one, else `other` (bounded labels).
 */
export function recordForwardAuth(outcome: string, host: string): void {
  forwardAuthMetrics().decisions.add(1, { outcome, host });
}
