import { forwardAuthConfigSection } from './forward-auth.config.js';

const parse = (env: Record<string, string>) => forwardAuthConfigSection.parse({ PUBLIC_BASE_URL: 'https://app.example.com', ...env });

describe('forward auth config', () => {
  it('defaults: returns to this origin only, no audience for /auth/verify', () => {
    const r = parse({});
    if (!r.ok) throw new Error(r.problems.join());
    expect(r.value).toMatchObject({ redirectAllowedHosts: [], verifyAudiences: [], publicBaseUrl: 'https://app.example.com' });
    expect(r.value.redirectTargets.absolute('https://app.example.com/x')).toBe('https://app.example.com/x');
    expect(r.value.redirectTargets.absolute('https://details.example.com/x')).toBeUndefined();
  });

  it('AUTH_REDIRECT_ALLOWED_HOSTS and AUTH_VERIFY_AUDIENCES, comma lists', () => {
    const r = parse({ AUTH_REDIRECT_ALLOWED_HOSTS: '*.example.com, shop.example.org:8443', AUTH_VERIFY_AUDIENCES: 'details-api,reviews-api' });
    if (!r.ok) throw new Error(r.problems.join());
    expect(r.value.verifyAudiences).toEqual(['details-api', 'reviews-api']);
    expect(r.value.redirectTargets.absolute('https://details.example.com/x?y=1')).toBe('https://details.example.com/x?y=1');
    expect(r.value.redirectTargets.absolute('https://shop.example.org:8443/')).toBe('https://shop.example.org:8443/');
  });

  it('a malformed entry stops start-up, naming the variable and the entry', () => {
    const r = parse({ AUTH_REDIRECT_ALLOWED_HOSTS: 'good.example.com,https://bad.example.com/', AUTH_VERIFY_AUDIENCES: 'ok,not ok' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      'AUTH_REDIRECT_ALLOWED_HOSTS: "https://bad.example.com/" is not a host, *.host, host:port or host:* (letters, digits, dots and hyphens)',
      'AUTH_VERIFY_AUDIENCES: "not ok" is not an audience (letters, digits and . : / ~ _ -)',
    ]);
  });
});
