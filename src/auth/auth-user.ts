import type { Request } from 'express';
import type { StoredSession } from './sessions/session-store.js';

export type Claims = Readonly<Record<string, unknown>>;

/** The caller, as guards and controllers see it. */
export interface AuthUser {
  sub: string;
  /** The issuer that vouched for `sub` (a subject is unique only per issuer). */
  iss?: string;
  name: string;
  email?: string;
  roles: string[];
  /** How the caller proved who they are. */
  via: 'session' | 'bearer';
  /** Set for a browser session (never sent to the browser). */
  sessionId?: string;
  /** The token to forward downstream: the session's (refreshed) one, or the caller's Bearer token. */
  accessToken?: string;
}

export type RequestWithUser = Request & { user?: AuthUser };

/** The claims whose first non-empty value names the user on pages. */
const NAME_CLAIMS = ['name', 'given_name', 'preferred_username', 'email', 'sub'] as const;

/**
 * The one way a caller becomes an AuthUser: from the claims the IdP vouched for (a verified access
 * token, or an ID token with the access token's roles at login) and the roles the provider's
 * mapping found in them. Bearer callers and browser sessions get the same name rule.
 */
export function authUserFromClaims(
  claims: Claims,
  roles: string[],
  via: AuthUser['via'],
  extra: Pick<AuthUser, 'sessionId' | 'accessToken'> = {},
): AuthUser {
  const name = NAME_CLAIMS.map((key) => claims[key]).find((value): value is string => typeof value === 'string' && value !== '');
  return {
    sub: String(claims.sub),
    ...(typeof claims.iss === 'string' && claims.iss ? { iss: claims.iss } : {}),
    name: name ?? 'user',
    email: typeof claims.email === 'string' ? claims.email : undefined,
    roles,
    via,
    ...extra,
  };
}

/** A session's user, as authUserFromClaims made it at login, with the session's current token. */
export function sessionUser(session: StoredSession): AuthUser {
  return {
    sub: session.sub,
    ...(session.iss ? { iss: session.iss } : {}),
    name: session.name,
    email: session.email,
    roles: session.roles,
    via: 'session',
    sessionId: session.id,
    accessToken: session.accessToken,
  };
}
