import { type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ThrottlerOptions } from '@nestjs/throttler';
import type { VerificationConfig } from './verification.config.js';

export const VERIFY_THROTTLER = 'verify';
const VERIFY_THROTTLED = 'verification:throttled';

/** Marks a route as counted by the `verify` throttler (on top of the default one). */
export const VerifyThrottled = () => SetMetadata(VERIFY_THROTTLED, true);

/**
 * The named `verify` throttler for ThrottlerModule's list. Named throttlers apply to every route,
 * so it skips all routes but those marked @VerifyThrottled(): other capabilities need no change.
 */
export function verifyThrottler(config: Pick<VerificationConfig, 'throttleLimit' | 'throttleTtlMs'>): ThrottlerOptions {
  return {
    name: VERIFY_THROTTLER,
    limit: config.throttleLimit,
    ttl: config.throttleTtlMs,
    skipIf: (context: ExecutionContext) => Reflect.getMetadata(VERIFY_THROTTLED, context.getHandler()) !== true,
  };
}
