import { runtimeConfigSection } from './runtime.config.js';

describe('runtime config (NODE_ENV, PUBLIC_BASE_URL)', () => {
  it('PUBLIC_BASE_URL defaults to local development, and may be plain http outside production', () => {
    const local = runtimeConfigSection.parse({});
    expect(local.ok && local.value).toMatchObject({ nodeEnv: 'development', publicBaseUrl: 'http://localhost:3000', publicBaseUrlSet: false });
    expect(runtimeConfigSection.parse({ PUBLIC_BASE_URL: 'http://codes.localtest.me' }).ok).toBe(true);
  });

  it('production refuses a plain-http PUBLIC_BASE_URL, naming the variable; https is accepted', () => {
    const refused = runtimeConfigSection.parse({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://codes.example.com' });
    expect(!refused.ok && refused.problems).toEqual([
      'PUBLIC_BASE_URL: must be https when NODE_ENV=production (redirect URIs, cookies and same-origin checks are built from it)',
    ]);
    expect(runtimeConfigSection.parse({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://codes.example.com' }).ok).toBe(true);
  });
});
