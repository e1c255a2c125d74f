import { devIdpClientFor, devIdpConfigSection } from './dev-idp.config.js';

describe('dev IdP config', () => {
  it('defaults to http://localhost:4000 for the app on http://localhost:3000', () => {
    const r = devIdpConfigSection.parse({});
    expect(r.ok && r.value).toMatchObject({ port: 4000, issuer: 'http://localhost:4000', clientId: 'integrated-auth-app', appBaseUrl: 'http://localhost:3000' });
  });

  it('rotates refresh tokens unless DEV_IDP_ROTATE_REFRESH_TOKENS=false', () => {
    const on = devIdpConfigSection.parse({});
    const off = devIdpConfigSection.parse({ DEV_IDP_ROTATE_REFRESH_TOKENS: 'false' });
    expect(on.ok && on.value.rotateRefreshToken).toBe(true);
    expect(off.ok && off.value.rotateRefreshToken).toBe(false);
  });

  it('refuses to start with NODE_ENV=production', () => {
    const r = devIdpConfigSection.parse({ NODE_ENV: 'production' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.join()).toMatch(/NODE_ENV: the dev IdP refuses/);
  });

  it('registers the app’s callback, post-logout and back-channel URIs from its public base URL', () => {
    expect(devIdpClientFor('http://localhost:3000/', 'app', 's')).toEqual({
      clientId: 'app',
      clientSecret: 's',
      redirectUris: ['http://localhost:3000/auth/callback'],
      postLogoutRedirectUris: ['http://localhost:3000/'],
      backchannelLogoutUri: 'http://localhost:3000/auth/backchannel-logout',
    });
  });
});
