import { z } from 'zod';
import { defineConfigSection, envInt } from '../../config/config-section.js';

/** Step-up (`@RequireSecondFactor()`): how fresh a second factor must be, which IdP step-up counts, and the send limits. */
export class StepUpConfig {
  /** A second factor older than this is asked for again (a route may ask for less). */
  readonly maxAgeSeconds!: number;
  /**
   * `acr` (or `amr`) values that mean the IdP did its own step-up: a Bearer token or a login whose
   * `acr` or one of whose `amr` is listed, with an `auth_time` within the max age, passes without
   * /auth/second-factor. Empty: only this app's own second factor counts.
   */
  readonly acrValues!: readonly string[];
  /** Codes one user may have sent to one destination per window (Twilio Verify: 5 per 10 minutes). */
  readonly sendsPerWindow!: number;
  readonly sendWindowSeconds!: number;
  /** Seconds between two sends for one user (Twilio Verify: a resend waits 30 s). */
  readonly resendCooldownSeconds!: number;
}

export const stepUpConfigSection = defineConfigSection(
  'stepUp',
  StepUpConfig,
  z.object({
    STEP_UP_MAX_AGE_SECONDS: envInt(900, 1, 7 * 24 * 3600),
    STEP_UP_ACR: z
      .string()
      .optional()
      .transform((v) => (v ?? '').split(/[\s,]+/).filter(Boolean))
      .refine((list) => list.every((v) => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(v)), 'must be acr values separated by commas or spaces (printable, no quotes or backslashes)'),
    STEP_UP_SENDS_PER_WINDOW: envInt(5, 1, 1000),
    STEP_UP_SEND_WINDOW_SECONDS: envInt(600, 1, 86_400),
    STEP_UP_RESEND_COOLDOWN_SECONDS: envInt(30, 0, 3600),
  }),
  (v) => ({
    maxAgeSeconds: v.STEP_UP_MAX_AGE_SECONDS,
    acrValues: v.STEP_UP_ACR,
    sendsPerWindow: v.STEP_UP_SENDS_PER_WINDOW,
    sendWindowSeconds: v.STEP_UP_SEND_WINDOW_SECONDS,
    resendCooldownSeconds: v.STEP_UP_RESEND_COOLDOWN_SECONDS,
  }),
);
