import { z } from 'zod';
import { defineConfigSection, envInt } from '../config/config-section.js';

/** How getcode issues codes: their life, and what a second getcode of the same signed-in caller does. */
export class CodesConfig {
  /** Seconds a code stays valid after getcode issued it (the watcher reads the same CODE_TTL_SECONDS). */
  readonly ttlSeconds!: number;
  /**
   * Live codes one signed-in caller may hold at once. 1 (the default) means "replace": a new code
   * revokes the previous one. N > 1 keeps the N newest valid; the oldest beyond N is revoked.
   */
  readonly maxOutstanding!: number;
}

export const codesConfigSection = defineConfigSection(
  'codes',
  CodesConfig,
  z.object({
    CODE_TTL_SECONDS: envInt(600, 1, 7 * 24 * 3600),
    CODE_MAX_OUTSTANDING: envInt(1, 1, 20),
  }),
  (v) => ({ ttlSeconds: v.CODE_TTL_SECONDS, maxOutstanding: v.CODE_MAX_OUTSTANDING }),
);
