import { applyDecorators, SetMetadata } from '@nestjs/common';
import { Authenticated } from '../guard/auth.decorators.js';

export const SECOND_FACTOR = 'auth:second-factor';

/** What a route asks of the caller's second factor. */
export interface SecondFactorRequirement {
  /** Undefined: STEP_UP_MAX_AGE_SECONDS. */
  readonly maxAgeSeconds?: number;
}

/**
 * The caller must be signed in and have done a second factor within `maxAgeSeconds` (default
 * STEP_UP_MAX_AGE_SECONDS): this app's own (/auth/second-factor, sessions) or the IdP's step-up
 * (an `acr`/`amr` listed in STEP_UP_ACR, with a recent `auth_time`). Otherwise a browser on a page
 * is sent to /auth/second-factor and back; other callers get 401 with the RFC 9470 challenge.
 */
export const RequireSecondFactor = (maxAgeSeconds?: number) =>
  applyDecorators(Authenticated(), SetMetadata(SECOND_FACTOR, { ...(maxAgeSeconds !== undefined ? { maxAgeSeconds } : {}) } satisfies SecondFactorRequirement));
