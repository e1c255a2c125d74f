import { z } from 'zod';
import { defineConfigSection, envInt } from '../config/config-section.js';

/** POST /api/v1/verifycode: its own, stricter rate limit per client (guessing codes must be slow). */
export class VerificationConfig {
  readonly throttleLimit!: number;
  readonly throttleTtlMs!: number;
}

export const verificationConfigSection = defineConfigSection(
  'verification',
  VerificationConfig,
  z.object({
    VERIFY_THROTTLE_LIMIT: envInt(10, 1, 1_000_000),
    VERIFY_THROTTLE_TTL_SECONDS: envInt(60, 1, 86_400),
  }),
  (v) => ({ throttleLimit: v.VERIFY_THROTTLE_LIMIT, throttleTtlMs: v.VERIFY_THROTTLE_TTL_SECONDS * 1000 }),
);
