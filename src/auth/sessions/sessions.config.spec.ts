import { sessionsConfigSection } from './sessions.config.js';

// With sign-in on (AUTH_PROVIDER, the auth section's): the section's rules apply only then.
const problems = (env: Record<string, string>) => {
  const r = sessionsConfigSection.parse({ AUTH_PROVIDER: 'dev', ...env });
  return r.ok ? [] : r.problems;
};
/** The session settings for a public base URL and NODE_ENV (the runtime section's). */
const derive = (env: Record<string, string>, publicBaseUrl = 'http://localhost:3000', production = false) => {
  const r = sessionsConfigSection.parse({ AUTH_PROVIDER: 'dev', AUTH_SESSION_STORE: 'memory', PUBLIC_BASE_URL: publicBaseUrl, ...(production ? { NODE_ENV: 'production' } : {}), ...env });
  if (!r.ok) throw new Error(r.problems.join());
  const { enabled: _enabled, ...settings } = r.value;
  return settings;
};

describe('sessions config', () => {
  it('defaults: 8 h sessions ending after 30 min idle, no cache, refresh a minute ahead, two session-secret versions read every minute', () => {
    expect(derive({})).toEqual({
      sessionStore: 'memory',
      sessionTable: 'sessions',
      sessionTableUrl: undefined,
      storageConnectionString: undefined,
      sweepIntervalMs: 3_600_000,
      sessionTtlSeconds: 8 * 3600,
      sessionSecretName: 'session-secret',
      sessionSecretVersions: 2,
      sessionSecretRefreshMs: 60_000,
      sessionCacheMs: 0,
      sessionIdleSeconds: 1800,
      sessionCacheMaxEntries: 10_000,
      cookieName: 'app_session',
      cookieSecure: false,
      refreshBeforeSeconds: 60,
      postLogoutRedirectUri: 'http://localhost:3000/',
    });
  });

  it('the cookie is __Host- and Secure over HTTPS, Secure in production, a name that is set wins', () => {
    expect(derive({}, 'https://app.example.com')).toMatchObject({ cookieName: '__Host-app_session', cookieSecure: true });
    expect(derive({ AUTH_COOKIE_NAME: 'sid' }, 'https://app.example.com', true)).toMatchObject({ cookieName: 'sid', cookieSecure: true });
    expect(derive({ AUTH_COOKIE_NAME: 'sid', AUTH_COOKIE_SECURE: 'false' }, 'https://app.example.com')).toMatchObject({ cookieName: 'sid', cookieSecure: false });
  });

  it('refuses an insecure cookie in production or under a __Host-/__Secure- name, and a table store without an endpoint', () => {
    expect(problems({ NODE_ENV: 'production', AUTH_COOKIE_SECURE: 'false', AUTH_SESSION_STORE: 'memory' })).toEqual([
      'AUTH_COOKIE_SECURE: false is refused when NODE_ENV=production (session cookies would travel over plain HTTP)',
    ]);
    expect(problems({ PUBLIC_BASE_URL: 'http://localhost:3000', AUTH_COOKIE_NAME: '__Secure-sid', AUTH_SESSION_STORE: 'memory' })).toEqual([
      'AUTH_COOKIE_NAME: a __Host-/__Secure- cookie needs AUTH_COOKIE_SECURE=true (browsers drop it otherwise)',
    ]);
    expect(problems({ PUBLIC_BASE_URL: 'https://app.example.com', AUTH_COOKIE_NAME: '__Host-sid', AUTH_SESSION_STORE: 'memory' })).toEqual([]);
    expect(problems({})).toEqual([
      'AUTH_SESSION_TABLE_URL: is required for AUTH_SESSION_STORE=table (or set AZURE_STORAGE_CONNECTION_STRING with a TableEndpoint)',
    ]);
    expect(problems({ AUTH_SESSION_TABLE: 'no-dashes', AUTH_SESSION_STORE: 'memory' })).toEqual(['AUTH_SESSION_TABLE: must be a valid table name (3-63 letters/digits)']);
  });

  it('AUTH_COOKIE_DOMAIN: a parent of the app’s host, with a __Secure- name over HTTPS (never __Host-)', () => {
    expect(derive({ AUTH_COOKIE_DOMAIN: 'example.com' }, 'https://app.example.com')).toMatchObject({ cookieName: '__Secure-app_session', cookieDomain: 'example.com', cookieSecure: true });
    expect(derive({ AUTH_COOKIE_DOMAIN: '.Example.COM' }, 'https://app.example.com')).toMatchObject({ cookieDomain: 'example.com' });
    expect(derive({ AUTH_COOKIE_DOMAIN: 'example.test' }, 'http://app.example.test:8080')).toMatchObject({ cookieName: 'app_session', cookieDomain: 'example.test' });
    expect(derive({}, 'https://app.example.com')).not.toHaveProperty('cookieDomain');
  });

  it.each([
    ['other.com', 'https://app.example.com', 'AUTH_COOKIE_DOMAIN: "other.com" is not a parent domain of PUBLIC_BASE_URL\'s host app.example.com'],
    ['notexample.com', 'https://app.example.com', 'AUTH_COOKIE_DOMAIN: "notexample.com" is not a parent domain of PUBLIC_BASE_URL\'s host app.example.com'],
    ['app.example.com', 'https://app.example.com', 'AUTH_COOKIE_DOMAIN: "app.example.com" is not a parent domain of PUBLIC_BASE_URL\'s host app.example.com'],
    ['com', 'https://app.example.com', 'AUTH_COOKIE_DOMAIN: "com" is not a domain of two or more labels (letters, digits, hyphens)'],
    ['0.1', 'http://127.0.0.1', 'AUTH_COOKIE_DOMAIN: "0.1" is not a domain of two or more labels (letters, digits, hyphens)'],
    ['exa mple.com', 'https://app.example.com', 'AUTH_COOKIE_DOMAIN: "exa mple.com" is not a domain of two or more labels (letters, digits, hyphens)'],
  ])('refuses AUTH_COOKIE_DOMAIN=%s for %s', (domain, base, problem) => {
    expect(problems({ PUBLIC_BASE_URL: base, AUTH_COOKIE_DOMAIN: domain, AUTH_SESSION_STORE: 'memory' })).toEqual([problem]);
  });

  it('refuses a __Host- name with a cookie domain', () => {
    expect(problems({ PUBLIC_BASE_URL: 'https://app.example.com', AUTH_COOKIE_DOMAIN: 'example.com', AUTH_COOKIE_NAME: '__Host-sid', AUTH_SESSION_STORE: 'memory' })).toEqual([
      'AUTH_COOKIE_NAME: a __Host- cookie cannot have a Domain (use __Secure- with AUTH_COOKIE_DOMAIN)',
    ]);
  });
});
