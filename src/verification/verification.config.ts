import { z } from 'zod';
import { defineConfigSection, envInt } from '../config/config-section.js';

/**
 * POST /api/v1/verifycode: its own, stricter rate limit per client (guessing codes must be slow),
 * and the attempt budget: wrong guesses per subject (signed in) or per client address, counted in
 * the code table so every replica sees the same count.
 */
export class VerificationConfig {
  readonly throttleLimit!: number;
  readonly throttleTtlMs!: number;
  /** Wrong guesses within a code's life (CODE_TTL_SECONDS from the first one) before 429 and revocation. */
  readonly maxAttempts!: number;
  /** The window of the attempt budget: a code's life. */
  readonly attemptWindowMs!: number;
}

export const verificationConfigSection = defineConfigSection(
  'verification',
  VerificationConfig,
  z.object({
    VERIFY_THROTTLE_LIMIT: envInt(10, 1, 1_000_000),
    VERIFY_THROTTLE_TTL_SECONDS: envInt(60, 1, 86_400),
    VERIFY_MAX_ATTEMPTS: envInt(5, 1, 1_000_000),
    CODE_TTL_SECONDS: envInt(600, 1, 7 * 24 * 3600),
  }),
  (v) => ({
    throttleLimit: v.VERIFY_THROTTLE_LIMIT,
    throttleTtlMs: v.VERIFY_THROTTLE_TTL_SECONDS * 1000,
    maxAttempts: v.VERIFY_MAX_ATTEMPTS,
    attemptWindowMs: v.CODE_TTL_SECONDS * 1000,
  }),
);
