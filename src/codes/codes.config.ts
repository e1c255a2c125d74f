import { z } from 'zod';
import { defineConfigSection } from '../config/config-section.js';
import { parseRoutePolicy, type RoutePolicy } from '../auth/auth.config.js';

/** GET /api/v1/getcode: who may call it. The codes capability owns this; the auth guard only applies it. */
export class CodesConfig {
  /** GETCODE_AUTH: `none` (anyone, the sample's behaviour), `user` or `role:<name>`. */
  readonly getcodeAuth!: RoutePolicy;
}

export const codesConfigSection = defineConfigSection(
  'codes',
  CodesConfig,
  z
    .object({
      AUTH_PROVIDER: z.string().optional(),
      GETCODE_AUTH: z.string().default('none'),
    })
    .superRefine((v, ctx) => {
      if (!parseRoutePolicy(v.GETCODE_AUTH)) {
        ctx.addIssue({ code: 'custom', path: ['GETCODE_AUTH'], message: 'must be none, user or role:<name>' });
      } else if (v.GETCODE_AUTH !== 'none' && (v.AUTH_PROVIDER ?? 'none') === 'none') {
        ctx.addIssue({ code: 'custom', path: ['GETCODE_AUTH'], message: 'needs AUTH_PROVIDER other than none' });
      }
    }),
  (v) => ({ getcodeAuth: parseRoutePolicy(v.GETCODE_AUTH) ?? { kind: 'none' } }),
);
