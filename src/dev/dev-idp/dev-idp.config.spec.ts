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

describe('dev IdP config: the client registered for the app’s AUTH_CLIENT_AUTH', () => {
  const clientAuth = (env: Record<string, string>) => {
    const r = devIdpConfigSection.parse(env);
    if (!r.ok) throw new Error(r.problems.join());
    return r.value.clientAuth;
  };

  it('secret methods: the dev IdP’s copy of the secret; private_key_jwt: the app’s JWKS URL, no secret; none: nothing', () => {
    expect(clientAuth({})).toEqual({ method: 'client_secret_basic', secret: 'dev-client-secret' });
    expect(clientAuth({ AUTH_CLIENT_AUTH: 'client_secret_post', SECRET_OIDC_CLIENT_SECRET: 's' })).toEqual({ method: 'client_secret_post', secret: 's' });
    expect(clientAuth({ AUTH_CLIENT_AUTH: 'private_key_jwt', PUBLIC_BASE_URL: 'http://localhost:3100' })).toEqual({ method: 'private_key_jwt', jwksUri: 'http://localhost:3100/.well-known/jwks.json' });
    expect(clientAuth({ AUTH_CLIENT_AUTH: 'none' })).toEqual({ method: 'none' });
  });

  it('federated: the issuer and subject it trusts, for api://AzureADTokenExchange; refused without them', () => {
    expect(clientAuth({ AUTH_CLIENT_AUTH: 'federated', DEV_IDP_FEDERATED_ISSUER: 'http://127.0.0.1:9/t/v2.0', DEV_IDP_FEDERATED_SUBJECT: 'principal' })).toEqual({
      method: 'federated',
      credential: { issuer: 'http://127.0.0.1:9/t/v2.0', subject: 'principal', audience: 'api://AzureADTokenExchange' },
    });
    const r = devIdpConfigSection.parse({ AUTH_CLIENT_AUTH: 'federated' });
    expect(!r.ok && r.problems.join()).toMatch(/DEV_IDP_FEDERATED_ISSUER/);
  });
});
