import { z } from 'zod';
import { defineConfigSection, envInt } from '../config/config-section.js';
import { authConfigSection } from '../auth/auth.config.js';
import { parseRoutePolicy, type RoutePolicy, routePolicyConfigSection } from '../auth/guard/route-policy.js';

/**
 * How codes are issued and who may have one. The codes capability owns GETCODE_AUTH and enforces
 * it itself (CodesService.issue), on every route that issues a code: GET /api/v1/getcode and the
 * home page's panel. The guard applies it to getcode too, as a first line.
 */
export class CodesConfig {
  /**
   * GETCODE_AUTH: `none` (anyone, the sample's behaviour), `user` or `role:<name>`. Unset, it
   * follows AUTH_DEFAULT_POLICY when sign-in is on: `user` (deny by default) protects codes too.
   */
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
      GETCODE_AUTH: z.string().optional(),
      CODE_TTL_SECONDS: envInt(600, 1, 7 * 24 * 3600),
      CODE_MAX_OUTSTANDING: envInt(1, 1, 20),
    })
    .superRefine((v, ctx) => {
      if (v.GETCODE_AUTH !== undefined && !parseRoutePolicy(v.GETCODE_AUTH)) ctx.addIssue({ code: 'custom', path: ['GETCODE_AUTH'], message: 'must be none, user or role:<name>' });
    }),
  (v, _env, config) => ({
    getcodeAuth:
      (v.GETCODE_AUTH !== undefined ? parseRoutePolicy(v.GETCODE_AUTH) : undefined) ??
      inheritedPolicy(config.get(authConfigSection).enabled, config.get(routePolicyConfigSection).defaultPolicy),
    ttlSeconds: v.CODE_TTL_SECONDS,
    maxOutstanding: v.CODE_MAX_OUTSTANDING,
  }),
  {
    reads: [authConfigSection, routePolicyConfigSection],
    // A protected getcode needs someone to sign callers in.
    checks: [(codes, config) => (codes.getcodeAuth.kind !== 'none' && !config.get(authConfigSection).enabled ? ['GETCODE_AUTH: needs AUTH_PROVIDER other than none'] : [])],
  },
);

/** GETCODE_AUTH unset: deny-by-default (AUTH_DEFAULT_POLICY=user) covers codes too; without sign-in, codes stay open. */
function inheritedPolicy(signInEnabled: boolean, defaultPolicy: 'public' | 'user'): RoutePolicy {
  return signInEnabled && defaultPolicy === 'user' ? { kind: 'user' } : { kind: 'none' };
}
