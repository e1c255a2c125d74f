import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { AuthUser, RequestWithUser } from './auth-user.js';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';
export const AUTHENTICATED = 'auth:authenticated';
export const ROUTE_POLICY = 'auth:policy';
export const LOGIN_REDIRECT = 'auth:login-redirect';

/** Anyone may call this route; a signed-in user is still recognised (e.g. the home page). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The caller must be signed in (session cookie or Bearer token). */
export const Authenticated = () => SetMetadata(AUTHENTICATED, true);

/** The caller must be signed in and hold every listed role (403 otherwise). */
export const Roles = (...roles: string[]) => SetMetadata(REQUIRED_ROLES, roles);

/** Protection chosen by configuration: `getcode` → GETCODE_AUTH (none | user | role:<name>). */
export const AuthPolicy = (name: 'getcode') => SetMetadata(ROUTE_POLICY, name);

/** A page: an anonymous browser is sent to log in (and back) instead of getting 401 JSON. */
export const LoginPage = () => SetMetadata(LOGIN_REDIRECT, true);

/** The signed-in user, or undefined on a public route. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser | undefined => {
  return ctx.switchToHttp().getRequest<RequestWithUser>().user;
});
