import { defineMetrics } from '../observability/instruments.js';

const authMetrics = defineMetrics((meter) => ({
  logins: meter.createCounter('auth.logins', { description: 'Completed and failed logins, by outcome.' }),
}));

/** For the login flow: `ok`, or a short stable failure reason (`state_mismatch`, `idp_error`, …). */
export function recordLogin(outcome: string, provider?: string): void {
  authMetrics().logins.add(1, provider ? { outcome, provider } : { outcome });
}
