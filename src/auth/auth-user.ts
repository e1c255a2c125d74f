import type { Request } from 'express';
import type { StoredSession } from './sessions/session-store.js';

export type Claims = Readonly<Record<string, unknown>>;

/** The destinations the IdP vouched for (OIDC Core 5.1): only a claim whose `*_verified` companion is `true`. */
export interface VerifiedContacts {
  readonly email?: string;
  /** E.164, separators dropped. */
  readonly phoneNumber?: string;
}

/**
 * How strongly the caller proved who they are: the IdP's `acr`, `amr` (RFC 8176) and `auth_time`,
 * and for a browser session the time this app's own second factor was done.
 */
export interface Assurance {
  readonly acr?: string;
  readonly amr: readonly string[];
  /** `auth_time`, epoch seconds. */
  readonly authTime?: number;
  /** When the session passed /auth/second-factor (epoch ms); sessions only. */
  readonly secondFactorAt?: number;
}

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
  /** Where a second factor may be sent (never from request input). */
  contacts?: VerifiedContacts;
  assurance?: Assurance;
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
  extra: Pick<AuthUser, 'sessionId' | 'accessToken'> & { secondFactorAt?: number } = {},
): AuthUser {
  const name = NAME_CLAIMS.map((key) => claims[key]).find((value): value is string => typeof value === 'string' && value !== '');
  const { secondFactorAt, ...rest } = extra;
  return {
    sub: String(claims.sub),
    ...(typeof claims.iss === 'string' && claims.iss ? { iss: claims.iss } : {}),
    name: name ?? 'user',
    email: typeof claims.email === 'string' ? claims.email : undefined,
    roles,
    via,
    ...rest,
    contacts: verifiedContacts(claims),
    assurance: { ...assuranceOf(claims), ...(secondFactorAt !== undefined ? { secondFactorAt } : {}) },
  };
}

const EMAIL = /^[^@\s]{1,64}@[^@\s]{1,255}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The verified contacts in an IdP's claims: `email` with `email_verified: true`, `phone_number`
 * with `phone_number_verified: true`. An unverified or malformed value is no contact at all: a
 * code is never sent where the IdP did not vouch for the user.
 */
export function verifiedContacts(claims: Claims): VerifiedContacts {
  const email = typeof claims.email === 'string' && claims.email_verified === true && EMAIL.test(claims.email) ? claims.email : undefined;
  const phone = typeof claims.phone_number === 'string' ? claims.phone_number.replace(/[\s().-]/g, '') : undefined;
  const phoneNumber = phone && claims.phone_number_verified === true && E164.test(phone) ? phone : undefined;
  return { ...(email ? { email } : {}), ...(phoneNumber ? { phoneNumber } : {}) };
}

/** `acr`, `amr` and `auth_time` as the IdP stated them (ignored when malformed). */
export function assuranceOf(claims: Claims): Assurance {
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [];
  return {
    ...(typeof claims.acr === 'string' && claims.acr ? { acr: claims.acr } : {}),
    amr,
    ...(typeof claims.auth_time === 'number' && Number.isFinite(claims.auth_time) ? { authTime: claims.auth_time } : {}),
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
    contacts: verifiedContacts(session.claims),
    assurance: {
      ...(session.acr ? { acr: session.acr } : {}),
      amr: session.amr ?? [],
      ...(session.authTime !== undefined ? { authTime: session.authTime } : {}),
      ...(session.secondFactorAt !== undefined ? { secondFactorAt: session.secondFactorAt } : {}),
    },
  };
}
