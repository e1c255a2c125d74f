import { z } from 'zod';
import { defineConfigSection, envInt } from '../config/config-section.js';
import { authConfigSection } from '../auth/auth.config.js';
import { parseRoutePolicy, type RoutePolicy } from '../auth/guard/route-policy.js';

/**
 * How getcode issues codes and who may call it. The codes capability owns GETCODE_AUTH; the auth
 * guard only applies the policy the route declares.
 */
export class CodesConfig {
  /** GETCODE_AUTH: `none` (anyone, the sample's behaviour), `user` or `role:<name>`. */
  readonly getcodeAuth!: RoutePolicy;
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
  z
    .object({
      GETCODE_AUTH: z.string().default('none'),
      CODE_TTL_SECONDS: envInt(600, 1, 7 * 24 * 3600),
      CODE_MAX_OUTSTANDING: envInt(1, 1, 20),
    })
    .superRefine((v, ctx) => {
      if (!parseRoutePolicy(v.GETCODE_AUTH)) ctx.addIssue({ code: 'custom', path: ['GETCODE_AUTH'], message: 'must be none, user or role:<name>' });
    }),
  (v) => ({
    getcodeAuth: parseRoutePolicy(v.GETCODE_AUTH) ?? { kind: 'none' },
    ttlSeconds: v.CODE_TTL_SECONDS,
    maxOutstanding: v.CODE_MAX_OUTSTANDING,
  }),
  {
    reads: [authConfigSection],
    // A protected getcode needs someone to sign callers in.
    checks: [(codes, config) => (codes.getcodeAuth.kind !== 'none' && !config.get(authConfigSection).enabled ? ['GETCODE_AUTH: needs AUTH_PROVIDER other than none'] : [])],
  },
);
