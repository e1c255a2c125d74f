import { z } from 'zod';
import { defineConfigSection, envInt } from '../config/config-section.js';
import { codesConfigSection } from '../codes/codes.config.js';
import { redisConfigSection } from '../redis/redis.config.js';

export const ATTEMPT_STORES = ['table', 'redis'] as const;
export type AttemptStoreKind = (typeof ATTEMPT_STORES)[number];

/**
 * The attempt budgets of verification (the rate limit of the verify routes is the rate-limit
 * module's `verify` limit, per client address):
 * - per signed-in subject (issuer + subject): VERIFY_MAX_ATTEMPTS wrong codes per window (a code's
 *   life); reaching it locks that subject (429 + Retry-After) and revokes its outstanding codes;
 * - per bound code: VERIFY_CODE_MAX_CHECKS wrong checks while it is outstanding, then it is revoked;
 * - anonymous callers have none: only the per-address rate limit, which never revokes anything.
 * Kept in the code table (default) or Redis, so every replica counts the same.
 */
export class VerificationConfig {
  /** Wrong codes a signed-in subject may try within a window before 429 and revocation. */
  readonly maxAttempts!: number;
  /** The window of the subject budget: a code's life (CODE_TTL_SECONDS). */
  readonly attemptWindowMs!: number;
  /** Wrong checks against one bound code before it is revoked (Twilio Verify: 5). */
  readonly maxChecksPerCode!: number;
  /** Where the budgets are kept: `table` (the code table) or `redis`. */
  readonly store!: AttemptStoreKind;
}

export const verificationConfigSection = defineConfigSection(
  'verification',
  VerificationConfig,
  z.object({
    VERIFY_MAX_ATTEMPTS: envInt(5, 1, 1_000_000),
    VERIFY_CODE_MAX_CHECKS: envInt(5, 1, 1000),
    VERIFY_ATTEMPT_STORE: z.enum(ATTEMPT_STORES, { error: `must be one of ${ATTEMPT_STORES.join(', ')}` }).default('table'),
  }),
  (v, _env, config) => ({
    maxAttempts: v.VERIFY_MAX_ATTEMPTS,
    attemptWindowMs: config.get(codesConfigSection).ttlSeconds * 1000,
    maxChecksPerCode: v.VERIFY_CODE_MAX_CHECKS,
    store: v.VERIFY_ATTEMPT_STORE,
  }),
  {
    reads: [codesConfigSection],
    // A Redis outage degrades the budget to per-replica counting; it does not stop the API.
    needs: (verification) => (verification.store === 'redis' ? [{ section: redisConfigSection, by: 'VERIFY_ATTEMPT_STORE=redis', essential: false }] : []),
  },
);
