import fc from 'fast-check';
import { BACKCHANNEL_LOGOUT_EVENT, LOGOUT_TOKEN_MAX_AGE_SECONDS, checkLogoutTokenRules } from './logout-token.js';
import { LogoutTokenInvalidError } from '../auth.errors.js';

const NOW = 1_800_000_000;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
/** Signature is checked before these rules (jose, in OidcClient): here it is only a placeholder. */
const jwt = (payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'logout+jwt' }) =>
  `${b64(header)}.${b64(payload)}.sig`;
const valid = { iss: 'https://idp', aud: 'app', iat: NOW, jti: 'j-1', sid: 's-1', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } };
const reason = (token: string) => {
  try {
    checkLogoutTokenRules(token, NOW, 5);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(LogoutTokenInvalidError);
    return (error as LogoutTokenInvalidError).reason;
  }
};

describe('back-channel logout token rules', () => {
  it('accepts a valid token (typ logout+jwt, application/logout+jwt, or no typ) and returns what replay needs', () => {
    expect(checkLogoutTokenRules(jwt(valid), NOW, 5)).toMatchObject({ iss: 'https://idp', jti: 'j-1', sid: 's-1' });
    expect(reason(jwt(valid, { alg: 'RS256', typ: 'application/logout+jwt' }))).toBe('accepted');
    expect(reason(jwt(valid, { alg: 'RS256' }))).toBe('accepted');
    expect(reason(jwt({ ...valid, sid: undefined, sub: 'u' }))).toBe('accepted');
  });

  it('refuses another typ: an ID token (JWT) or access token (at+jwt) is not a logout token', () => {
    expect(reason(jwt(valid, { alg: 'RS256', typ: 'JWT' }))).toBe('typ is not logout+jwt');
    expect(reason(jwt(valid, { alg: 'RS256', typ: 'at+jwt' }))).toBe('typ is not logout+jwt');
  });

  it('refuses an iat older than ~2 minutes or in the future (beyond a small skew)', () => {
    expect(reason(jwt({ ...valid, iat: NOW - LOGOUT_TOKEN_MAX_AGE_SECONDS - 6 }))).toBe('iat is too old');
    expect(reason(jwt({ ...valid, iat: NOW - LOGOUT_TOKEN_MAX_AGE_SECONDS }))).toBe('accepted');
    expect(reason(jwt({ ...valid, iat: NOW + 6 }))).toBe('iat is in the future');
    expect(reason(jwt({ ...valid, iat: NOW + 5 }))).toBe('accepted');
    expect(reason(jwt({ ...valid, iat: undefined }))).toBe('no iat');
  });

  it('a large clock tolerance does not widen the window past 30 s either way', () => {
    expect(() => checkLogoutTokenRules(jwt({ ...valid, iat: NOW + 31 }), NOW, 600)).toThrow(LogoutTokenInvalidError);
    expect(() => checkLogoutTokenRules(jwt({ ...valid, iat: NOW - LOGOUT_TOKEN_MAX_AGE_SECONDS - 31 }), NOW, 600)).toThrow(LogoutTokenInvalidError);
  });

  it('property: accepted iff iat is within [now - 120 s - skew, now + skew]', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), fc.integer({ min: 0, max: 30 }), (offset, skew) => {
        const ok = offset <= skew && offset >= -LOGOUT_TOKEN_MAX_AGE_SECONDS - skew;
        let accepted = true;
        try {
          checkLogoutTokenRules(jwt({ ...valid, iat: NOW + offset }), NOW, skew);
        } catch {
          accepted = false;
        }
        return accepted === ok;
      }),
    );
  });

  it('refuses events that are not an object holding the back-channel member as an object', () => {
    for (const events of [undefined, null, 'x', [BACKCHANNEL_LOGOUT_EVENT], { other: {} }, { [BACKCHANNEL_LOGOUT_EVENT]: 'yes' }, { [BACKCHANNEL_LOGOUT_EVENT]: true }]) {
      expect(reason(jwt({ ...valid, events }))).toBe('events is not an object with the back-channel logout event');
    }
  });

  it('refuses a nonce, a missing jti, and a token with neither sid nor sub', () => {
    expect(reason(jwt({ ...valid, nonce: 'n' }))).toBe('a logout token must not carry a nonce');
    expect(reason(jwt({ ...valid, jti: undefined }))).toBe('no jti');
    expect(reason(jwt({ ...valid, sid: undefined }))).toBe('neither sid nor sub');
    expect(reason('not-a-jwt')).toBe('not a JWT');
  });

  it('the jti is remembered at least as long as the token could still be accepted', () => {
    fc.assert(
      fc.property(fc.integer({ min: -LOGOUT_TOKEN_MAX_AGE_SECONDS - 30, max: 30 }), fc.integer({ min: 0, max: 30 }), (offset, skew) => {
        let facts;
        try {
          facts = checkLogoutTokenRules(jwt({ ...valid, iat: NOW + offset }), NOW, skew);
        } catch {
          return true;
        }
        const lastAccepted = NOW + offset + LOGOUT_TOKEN_MAX_AGE_SECONDS + 2 * skew;
        return NOW + facts.replayWindowSeconds >= lastAccepted;
      }),
    );
  });
});
