import { z } from 'zod';
import { defineConfigSection } from '../../config/config-section.js';

/** `none` (anyone), `user` (any signed-in user) or `role:<name>`. */
export type RoutePolicy = { kind: 'none' } | { kind: 'user' } | { kind: 'role'; role: string };

export function parseRoutePolicy(value: string): RoutePolicy | undefined {
  if (value === 'none' || value === 'user') return { kind: value };
  const m = /^role:([\w.:/-]+)$/.exec(value);
  return m ? { kind: 'role', role: m[1]! } : undefined;
}

/** The guard's policy for routes that carry no auth decorator. */
export class RoutePolicyConfig {
  /**
   * Routes without any auth decorator: `public` keeps other capabilities' routes as they are
   * (they opt in with @Authenticated()/@Roles()); `user` denies by default, @Public() opts out.
   */
  readonly defaultPolicy!: 'public' | 'user';
}

export const routePolicyConfigSection = defineConfigSection(
  'routePolicy',
  RoutePolicyConfig,
  z.object({ AUTH_DEFAULT_POLICY: z.enum(['public', 'user']).default('public') }),
  (v) => ({ defaultPolicy: v.AUTH_DEFAULT_POLICY }),
);
