import { tiniAppConfigSection, tikiBaseUrl } from './tiniapp.config.js';

const parse = (env: Record<string, string | undefined>) => tiniAppConfigSection.parse(env);

describe('tikiBaseUrl', () => {
  it.each([
    ['https://api.tiki.vn/tiniapp-open-api/oauth/auth/token', 'https://api.tiki.vn/tiniapp-open-api'],
    ['https://api.tiki.vn/tiniapp-open-api', 'https://api.tiki.vn/tiniapp-open-api'],
    ['https://api.tiki.vn/tiniapp-open-api/', 'https://api.tiki.vn/tiniapp-open-api'],
    ['https://api.tiki.vn/tiniapp-open-api/oauth/auth/token/refresh', 'https://api.tiki.vn/tiniapp-open-api'],
    ['https://api.tiki.vn/tiniapp-open-api/oauth/me', 'https://api.tiki.vn/tiniapp-open-api'],
  ])('%s → %s', (endpoint, base) => {
    expect(tikiBaseUrl(endpoint)).toBe(base);
  });
});

describe('tiniAppConfigSection', () => {
  it('nothing set: disabled, no problems', () => {
    expect(parse({})).toEqual({ ok: true, value: expect.objectContaining({ enabled: false }) });
  });

  it("the seed's three variables enable it, with the token URL reduced to the base", () => {
    const result = parse({ CLIENT_KEY: 'k', CLIENT_SECRET: 's', AUTH_ENDPOINT: 'https://api.tiki.vn/tiniapp-open-api/oauth/auth/token' });
    expect(result).toEqual({
      ok: true,
      value: {
        enabled: true,
        clientKey: 'k',
        clientSecret: 's',
        baseUrl: 'https://api.tiki.vn/tiniapp-open-api',
        clientSecretName: 'tiniapp-client-secret',
        timeoutMs: 5000,
        maxSockets: 64,
        bodyLimitBytes: 8192,
      },
    });
  });

  it('TINIAPP_* names win over the seed names', () => {
    const result = parse({ CLIENT_KEY: 'seed', TINIAPP_CLIENT_KEY: 'project', CLIENT_SECRET: 's', TINIAPP_API_BASE_URL: 'http://127.0.0.1:7072/tiniapp-open-api' });
    expect(result.ok && result.value.clientKey).toBe('project');
  });

  it('the secret may come from the local store (SECRET_<NAME> or SECRET_<NAME>_FILE) or Key Vault; then none is held in config', () => {
    const base = { CLIENT_KEY: 'k', AUTH_ENDPOINT: 'https://api.tiki.vn/tiniapp-open-api' };
    for (const env of [
      { ...base, SECRET_TINIAPP_CLIENT_SECRET: 'from-store' },
      { ...base, SECRET_TINIAPP_CLIENT_SECRET_FILE: '/run/secrets/tiniapp' },
      { ...base, KEY_VAULT_URL: 'https://vault.vault.azure.net' },
      { ...base, TINIAPP_CLIENT_SECRET_NAME: 'tiki-secret', SECRET_TIKI_SECRET: 'x' },
    ]) {
      const result = parse(env);
      expect(result).toEqual({ ok: true, value: expect.objectContaining({ enabled: true, clientSecret: undefined }) });
    }
  });

  it('a partial configuration names each missing part', () => {
    expect(parse({ AUTH_ENDPOINT: 'https://api.tiki.vn/tiniapp-open-api' })).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^CLIENT_KEY: is required \(or TINIAPP_CLIENT_KEY\)/), expect.stringMatching(/^CLIENT_SECRET: is required .*SECRET_TINIAPP_CLIENT_SECRET/)],
    });
    expect(parse({ TINIAPP_CLIENT_SECRET: 's' })).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^CLIENT_KEY: /), expect.stringMatching(/^AUTH_ENDPOINT: is required \(or TINIAPP_API_BASE_URL\)/)],
    });
  });

  it('rejects an endpoint that is not an http(s) URL, and bad numbers', () => {
    const result = parse({ CLIENT_KEY: 'k', CLIENT_SECRET: 's', AUTH_ENDPOINT: 'ftp://api.tiki.vn', TINIAPP_TIMEOUT_MS: '0', TINIAPP_BODY_LIMIT_BYTES: 'lots' });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AUTH_ENDPOINT: must be an absolute http\(s\) URL/),
        expect.stringMatching(/^TINIAPP_TIMEOUT_MS: /),
        expect.stringMatching(/^TINIAPP_BODY_LIMIT_BYTES: /),
      ]),
    );
  });
});
