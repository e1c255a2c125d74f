import { z } from 'zod';
import { defineConfigSection, envInt } from '../config/config-section.js';
import { redisConfigSection } from '../redis/redis.config.js';

export const THROTTLE_STORES = ['memory', 'redis'] as const;
export type ThrottleStoreKind = (typeof THROTTLE_STORES)[number];

/**
 * The rate limits and where their counters live. `memory` (default): per process, so N replicas
 * allow N times each limit. `redis`: one counter per client shared by every replica (the Redis
 * connection is configured by the redis section); while Redis is unreachable each replica falls
 * back to its own in-process counters (fail-open to per-replica limits).
 */
export class RateLimitConfig {
  readonly store!: ThrottleStoreKind;
  /** The `global` limit: every route, per client. */
  readonly throttleLimit!: number;
  readonly throttleTtlMs!: number;
  /** The `verify` limit: POST /api/v1/verifycode and the panel's verify form, stricter (guessing codes must be slow). */
  readonly verifyThrottleLimit!: number;
  readonly verifyThrottleTtlMs!: number;
}

export const rateLimitConfigSection = defineConfigSection(
  'rateLimit',
  RateLimitConfig,
  z.object({
    THROTTLE_STORE: z.enum(THROTTLE_STORES, { error: `must be one of ${THROTTLE_STORES.join(', ')}` }).default('memory'),
    THROTTLE_LIMIT: envInt(100, 1, 10_000_000),
    THROTTLE_TTL_SECONDS: envInt(60, 1, 86_400),
    VERIFY_THROTTLE_LIMIT: envInt(10, 1, 1_000_000),
    VERIFY_THROTTLE_TTL_SECONDS: envInt(60, 1, 86_400),
  }),
  (v) => ({
    store: v.THROTTLE_STORE,
    throttleLimit: v.THROTTLE_LIMIT,
    throttleTtlMs: v.THROTTLE_TTL_SECONDS * 1000,
    verifyThrottleLimit: v.VERIFY_THROTTLE_LIMIT,
    verifyThrottleTtlMs: v.VERIFY_THROTTLE_TTL_SECONDS * 1000,
  }),
  {
    // Shared counters need the connection; an outage degrades to per-replica limits, it does not stop the API.
    needs: (limits) => (limits.store === 'redis' ? [{ section: redisConfigSection, by: 'THROTTLE_STORE=redis', essential: false }] : []),
  },
);
