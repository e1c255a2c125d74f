import { z } from 'zod';
import { defineConfigSection } from '../../config/config-section.js';
import type { AuthUser } from '../auth-user.js';
import { ForbiddenRoleError, NotAuthenticatedError } from '../auth.errors.js';

/** `none` (anyone), `user` (any signed-in user) or `role:<name>`. */
export type RoutePolicy = { kind: 'none' } | { kind: 'user' } | { kind: 'role'; role: string };

export function parseRoutePolicy(value: string): RoutePolicy | undefined {
  if (value === 'none' || value === 'user') return { kind: value };
  const m = /^role:([\w.:/-]+)$/.exec(value);
  return m ? { kind: 'role', role: m[1]! } : undefined;
}

/**
 * Holds `user` to `policy`, as the guard does for a route: NotAuthenticatedError (401) when the
 * policy needs a signed-in caller and there is none, ForbiddenRoleError (403) without the role. A
 * capability that does something protected on several routes (codes: getcode and the home page's
 * panel) calls this itself, so no route can forget it.
 */
export function enforceRoutePolicy(policy: RoutePolicy, user: AuthUser | undefined): void {
  if (policy.kind === 'none') return;
  if (!user) throw new NotAuthenticatedError();
  if (policy.kind === 'role' && !user.roles.includes(policy.role)) throw new ForbiddenRoleError(policy.role);
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
