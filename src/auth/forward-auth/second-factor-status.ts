import type { AuthUser } from '../auth-user.js';

/**
 * What forward auth needs of the second factor (the step-up room decides it; this only asks):
 * whether a caller's second factor is fresh enough, for how long one counts, and the page that asks
 * for it. A contract of its own so /auth/verify answers from the same facts and the same rule as
 * `@RequireSecondFactor()` (see step-up/step-up-second-factor-status.ts) without depending on them.
 */
export abstract class SecondFactorStatus {
  /** Whether `user` (a session's or a Bearer token's) has a second factor fresh enough now. */
  abstract isFresh(user: AuthUser): boolean;
  /** How long a second factor counts (RFC 9470's `max_age` for Bearer callers). */
  abstract readonly maxAgeSeconds: number;
  /** The absolute URL of the step-up page, coming back to `returnTo` (an allowed URL) when given. */
  abstract stepUpUrl(returnTo?: string): string;
}
