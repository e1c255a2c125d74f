import { type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ThrottlerOptions } from '@nestjs/throttler';
import type { RateLimitConfig } from './rate-limit.config.js';

export const VERIFY_THROTTLER = 'verify';
const VERIFY_THROTTLED = 'rate-limit:verify';

/** Marks a route as counted by the `verify` limit too (on top of the global one). */
export const VerifyThrottled = () => SetMetadata(VERIFY_THROTTLED, true);

/**
 * The named `verify` throttler for ThrottlerModule's list. Named throttlers apply to every route,
 * so it skips all routes but those marked @VerifyThrottled(): other capabilities need no change.
 */
export function verifyThrottler(limit: { throttleLimit: number; throttleTtlMs: number }): ThrottlerOptions {
  return {
    name: VERIFY_THROTTLER,
    limit: limit.throttleLimit,
    ttl: limit.throttleTtlMs,
    skipIf: (context: ExecutionContext) => Reflect.getMetadata(VERIFY_THROTTLED, context.getHandler()) !== true,
  };
}

/** The process's limits: `global` (every route) and `verify` (routes marked @VerifyThrottled()). */
export function rateLimits(config: RateLimitConfig): ThrottlerOptions[] {
  return [
    { limit: config.throttleLimit, ttl: config.throttleTtlMs },
    verifyThrottler({ throttleLimit: config.verifyThrottleLimit, throttleTtlMs: config.verifyThrottleTtlMs }),
  ];
}
