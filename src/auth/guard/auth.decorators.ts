import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { AuthUser, RequestWithUser } from '../auth-user.js';
import type { RoutePolicy } from './route-policy.js';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';
export const AUTHENTICATED = 'auth:authenticated';
export const ROUTE_POLICY = 'auth:policy';
export const IDENTIFY_CALLER = 'auth:identify-caller';

/**
 * Anyone may call this route, and credentials are not even looked at (no JWT check, no
 * introspection call, no session read). Add @IdentifyCaller() if the route wants to know who calls.
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * On a route that turns out public (@Public(), a configured `none` policy, or undecorated with
 * AUTH_DEFAULT_POLICY=public): recognise a signed-in caller if credentials are present and set
 * `req.user`, without ever failing the request (a bad token means anonymous). It does not make a
 * route public by itself; on protected routes the caller is always resolved.
 */
export const IdentifyCaller = () => SetMetadata(IDENTIFY_CALLER, true);

/** The caller must be signed in (session cookie or Bearer token). */
export const Authenticated = () => SetMetadata(AUTHENTICATED, true);

/** The caller must be signed in and hold every listed role (403 otherwise). */
export const Roles = (...roles: string[]) => SetMetadata(REQUIRED_ROLES, roles);

/** Where a configured route policy comes from: a config section (its class is the DI token) and the field. */
export interface RoutePolicySource<C extends object = object> {
  readonly config: abstract new (...args: never[]) => C;
  readonly select: (config: C) => RoutePolicy;
}

/**
 * Protection chosen by configuration, owned by the capability that owns the route: e.g.
 * `@AuthPolicy(CodesConfig, (c) => c.getcodeAuth)` (GETCODE_AUTH: none | user | role:<name>).
 * The guard reads the injected config section; it knows no route by name.
 */
export const AuthPolicy = <C extends object>(config: abstract new (...args: never[]) => C, select: (config: C) => RoutePolicy) =>
  SetMetadata(ROUTE_POLICY, { config, select } satisfies RoutePolicySource<C>);

/** The signed-in user, or undefined on a public route. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser | undefined => {
  return ctx.switchToHttp().getRequest<RequestWithUser>().user;
});
