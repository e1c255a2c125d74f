import { z } from 'zod';

/** `none` (anyone), `user` (any signed-in user) or `role:<name>`. */
export type RoutePolicy = { kind: 'none' } | { kind: 'user' } | { kind: 'role'; role: string };

export function parseRoutePolicy(value: string): RoutePolicy | undefined {
  if (value === 'none' || value === 'user') return { kind: value };
  const m = /^role:([\w.:/-]+)$/.exec(value);
  return m ? { kind: 'role', role: m[1]! } : undefined;
}

/** The `auth` section's variable for routes that carry no auth decorator. */
export const routePolicyShape = {
  AUTH_DEFAULT_POLICY: z.enum(['public', 'user']).default('public'),
};

export interface RoutePolicySettings {
  /**
   * Routes without any auth decorator: `public` keeps other capabilities' routes as they are
   * (they opt in with @Authenticated()/@Roles()); `user` denies by default, @Public() opts out.
   */
  readonly defaultPolicy: 'public' | 'user';
}

export function deriveRoutePolicy(v: z.output<z.ZodObject<typeof routePolicyShape>>): RoutePolicySettings {
  return { defaultPolicy: v.AUTH_DEFAULT_POLICY };
}
