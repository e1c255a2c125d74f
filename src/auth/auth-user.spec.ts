import { assuranceOf, authUserFromClaims, verifiedContacts } from './auth-user.js';

describe('authUserFromClaims (the one way a caller becomes an AuthUser)', () => {
  const claims = { sub: 'u-1', iss: 'https://idp.example', given_name: 'Dana', preferred_username: 'dana42', email: 'dana@example.com' };

  it('gives a Bearer caller and a browser session the same user for the same claims, issuer included', () => {
    const bearer = authUserFromClaims(claims, ['reader'], 'bearer', { accessToken: 'at' });
    const session = authUserFromClaims(claims, ['reader'], 'session', { sessionId: 's-1', accessToken: 'at' });
    const { via: _b, sessionId: _none, ...fromBearer } = bearer;
    const { via: _s, sessionId: _id, ...fromSession } = session;
    expect(fromBearer).toEqual(fromSession);
    expect(bearer).toMatchObject({ sub: 'u-1', iss: 'https://idp.example', email: 'dana@example.com', roles: ['reader'], via: 'bearer' });
  });

  it('names the user by the first of name, given_name, preferred_username, email and sub that is set', () => {
    expect(authUserFromClaims({ ...claims, name: 'Dana Q.' }, [], 'bearer').name).toBe('Dana Q.');
    expect(authUserFromClaims(claims, [], 'bearer').name).toBe('Dana');
    expect(authUserFromClaims({ sub: 'u-1', preferred_username: 'dana42', name: '' }, [], 'bearer').name).toBe('dana42');
    expect(authUserFromClaims({ sub: 'u-1' }, [], 'bearer').name).toBe('u-1');
  });

  it('keeps no issuer it was not given, and no e-mail that is not a string', () => {
    const user = authUserFromClaims({ sub: 'u-1', email: 42 }, [], 'session');
    expect(user).not.toHaveProperty('iss');
    expect(user.email).toBeUndefined();
  });
});

describe('verified contacts and assurance (where a second factor may go, and how the IdP authenticated)', () => {
  it('keeps an e-mail or phone number only when the IdP marked it verified (true, not "true")', () => {
    expect(verifiedContacts({ email: 'd@example.test', email_verified: true, phone_number: '+1 (425) 555-0123', phone_number_verified: true })).toEqual({
      email: 'd@example.test',
      phoneNumber: '+14255550123',
    });
    expect(verifiedContacts({ email: 'd@example.test', email_verified: 'true', phone_number: '+14255550123' })).toEqual({});
    expect(verifiedContacts({ email: 'not-an-address', email_verified: true, phone_number: '0800', phone_number_verified: true })).toEqual({});
  });

  it('reads acr, amr and auth_time, ignoring malformed values', () => {
    expect(assuranceOf({ acr: 'gold', amr: ['pwd', 'otp', 3], auth_time: 1_700_000_000 })).toEqual({ acr: 'gold', amr: ['pwd', 'otp'], authTime: 1_700_000_000 });
    expect(assuranceOf({ acr: 5, amr: 'pwd', auth_time: '1' })).toEqual({ amr: [] });
  });

  it('a Bearer caller and a session get the same contacts and assurance from the same claims', () => {
    const claims = { sub: 'u', email: 'd@example.test', email_verified: true, acr: 'gold', amr: ['mfa'], auth_time: 1 };
    const bearer = authUserFromClaims(claims, [], 'bearer');
    expect(bearer).toMatchObject({ contacts: { email: 'd@example.test' }, assurance: { acr: 'gold', amr: ['mfa'], authTime: 1 } });
    expect(authUserFromClaims(claims, [], 'session').assurance).toEqual(bearer.assurance);
  });
});
