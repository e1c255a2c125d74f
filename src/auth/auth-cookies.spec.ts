import { AuthCookies } from './auth-cookies.js';

describe('AuthCookies', () => {
  it('host-only by default: no Domain on the session cookie', () => {
    const cookies = new AuthCookies({ cookieName: '__Host-app_session', cookieSecure: true, sessionTtlSeconds: 60 });
    expect(cookies.session('v').options).toEqual({ httpOnly: true, sameSite: 'lax', secure: true, path: '/', maxAge: 60_000 });
  });

  it('AUTH_COOKIE_DOMAIN: the session cookie is set and cleared for the parent domain; login attempts stay host-only', () => {
    const cookies = new AuthCookies({ cookieName: '__Secure-app_session', cookieSecure: true, sessionTtlSeconds: 60, cookieDomain: 'example.com' });
    expect(cookies.session('v').options).toMatchObject({ domain: 'example.com', path: '/', secure: true });
    expect(cookies.clearSession().options).toMatchObject({ domain: 'example.com', path: '/' });
    expect(cookies.transaction(0, 'sealed').options).not.toHaveProperty('domain');
    expect(cookies.transaction(0, 'sealed').options.path).toBe('/auth');
  });
});
