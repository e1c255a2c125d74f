import { type JWTPayload, type JWTVerifyGetKey, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { LogoutTokenInvalidError } from '../auth.errors.js';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** A logout token is sent the moment the IdP session ends: anything older is refused. */
export const LOGOUT_TOKEN_MAX_AGE_SECONDS = 120;
/** Clock skew allowed on top of the window, either way (capped: a large tolerance must not widen it much). */
export const LOGOUT_TOKEN_MAX_SKEW_SECONDS = 30;

export interface LogoutTokenFacts {
  iss: string;
  jti: string;
  sid?: string;
  sub?: string;
  /** How long this token's `jti` must be remembered to refuse every replay (seconds). */
  replayWindowSeconds: number;
}

/** What verifying a logout token needs of its IdP. */
export interface LogoutTokenIssuer {
  readonly keys: JWTVerifyGetKey;
  /** The issuers the token may name (Entra's `{tenantid}` template filled from its `tid`). */
  expectedIssuers(claims: JWTPayload): string[];
  /** The client id: logout tokens are addressed to the client. */
  readonly audience: string;
  readonly algorithms: readonly string[];
  readonly clockToleranceSeconds: number;
  tenantAllowed(claims: Record<string, unknown>): boolean;
  readonly nowSeconds: number;
}

/**
 * The one verification of a back-channel logout token (OIDC Back-Channel Logout 1.0 §2.6): the
 * signature by the issuer's keys with an allowed algorithm, `iss` and `aud`, the tenant (Entra
 * multi-tenant), then the logout token rules below. Any failure is LogoutTokenInvalidError.
 */
export async function verifyLogoutToken(token: string, issuer: LogoutTokenIssuer): Promise<LogoutTokenFacts> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, issuer.keys, {
      issuer: issuer.expectedIssuers(decodeJwt(token)),
      audience: issuer.audience,
      algorithms: [...issuer.algorithms],
      clockTolerance: issuer.clockToleranceSeconds,
      currentDate: new Date(issuer.nowSeconds * 1000),
    }));
  } catch (error) {
    throw new LogoutTokenInvalidError((error as Error).message);
  }
  if (!issuer.tenantAllowed(payload as Record<string, unknown>)) throw new LogoutTokenInvalidError('tenant not allowed');
  return checkLogoutTokenRules(token, issuer.nowSeconds, issuer.clockToleranceSeconds);
}

/**
 * OIDC Back-Channel Logout 1.0 §2.4/§2.6 rules on an already signature-checked logout token:
 * `typ` `logout+jwt` when a typ is set (so an ID or access token is never taken for one), `iat`
 * within the last ~2 minutes and not in the future (beyond a small skew), a `jti` (for replay),
 * `events` an object whose back-channel member is an object, no `nonce`, `sid` and/or `sub`.
 */
export function checkLogoutTokenRules(token: string, nowSeconds: number, skewSeconds: number): LogoutTokenFacts {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token) as Record<string, unknown>;
  } catch {
    throw new LogoutTokenInvalidError('not a JWT');
  }
  if (header.typ !== undefined && !/^(application\/)?logout\+jwt$/i.test(String(header.typ))) {
    throw new LogoutTokenInvalidError('typ is not logout+jwt');
  }
  const skew = Math.min(Math.max(skewSeconds, 0), LOGOUT_TOKEN_MAX_SKEW_SECONDS);
  const iat = payload.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new LogoutTokenInvalidError('no iat');
  if (iat > nowSeconds + skew) throw new LogoutTokenInvalidError('iat is in the future');
  if (iat < nowSeconds - LOGOUT_TOKEN_MAX_AGE_SECONDS - skew) throw new LogoutTokenInvalidError('iat is too old');
  const jti = payload.jti;
  if (typeof jti !== 'string' || !jti) throw new LogoutTokenInvalidError('no jti');
  const iss = payload.iss;
  if (typeof iss !== 'string' || !iss) throw new LogoutTokenInvalidError('no iss');
  const events = payload.events;
  if (!isObject(events) || !isObject(events[BACKCHANNEL_LOGOUT_EVENT])) {
    throw new LogoutTokenInvalidError('events is not an object with the back-channel logout event');
  }
  if ('nonce' in payload) throw new LogoutTokenInvalidError('a logout token must not carry a nonce');
  const sid = typeof payload.sid === 'string' && payload.sid ? payload.sid : undefined;
  const sub = typeof payload.sub === 'string' && payload.sub ? payload.sub : undefined;
  if (!sid && !sub) throw new LogoutTokenInvalidError('neither sid nor sub');
  // Accepted until iat + max age + skew, by a clock up to `skew` behind: remember it that long, and a minute more.
  const replayWindowSeconds = Math.max(1, Math.ceil(iat + LOGOUT_TOKEN_MAX_AGE_SECONDS + 2 * skew - nowSeconds)) + 60;
  return { iss, jti, sid, sub, replayWindowSeconds };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
