import { authUserFromClaims } from './auth-user.js';

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
