import { z } from 'zod';
import { defineConfigSection } from '../config/config-section.js';

export const THROTTLE_STORES = ['memory', 'redis'] as const;
export type ThrottleStoreKind = (typeof THROTTLE_STORES)[number];

/**
 * Where rate-limit counters live. `memory` (default): per process, so N replicas allow N times
 * each limit. `redis`: one counter per client shared by every replica (the Redis connection is
 * configured by the redis section); while Redis is unreachable each replica falls back to its own
 * in-process counters (fail-open to per-replica limits).
 */
export class ThrottleConfig {
  readonly store!: ThrottleStoreKind;
}

export const throttleConfigSection = defineConfigSection(
  'throttle',
  ThrottleConfig,
  z.object({
    THROTTLE_STORE: z.enum(THROTTLE_STORES, { error: `must be one of ${THROTTLE_STORES.join(', ')}` }).default('memory'),
  }),
  (v) => Object.assign(Object.create(ThrottleConfig.prototype) as ThrottleConfig, { store: v.THROTTLE_STORE }),
);
