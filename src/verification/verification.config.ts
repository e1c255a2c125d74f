import { z } from 'zod';
import { defineConfigSection, envInt } from '../config/config-section.js';
import { codesConfigSection } from '../codes/codes.config.js';

/**
 * POST /api/v1/verifycode's attempt budget: wrong guesses per subject (signed in) or per client
 * address, counted in the code table so every replica sees the same count. (Its stricter rate
 * limit is the rate-limit module's `verify` limit.)
 */
export class VerificationConfig {
  /** Wrong guesses within a code's life (CODE_TTL_SECONDS from the first one) before 429 and revocation. */
  readonly maxAttempts!: number;
  /** The window of the attempt budget: a code's life. */
  readonly attemptWindowMs!: number;
}

export const verificationConfigSection = defineConfigSection(
  'verification',
  VerificationConfig,
  z.object({
    VERIFY_MAX_ATTEMPTS: envInt(5, 1, 1_000_000),
  }),
  (v, _env, config) => ({
    maxAttempts: v.VERIFY_MAX_ATTEMPTS,
    attemptWindowMs: config.get(codesConfigSection).ttlSeconds * 1000,
  }),
  { reads: [codesConfigSection] },
);
