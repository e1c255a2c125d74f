import { createDevIdpProvider, DEMO_USER, generateSigningKeys } from './dev-idp.provider.js';

describe('dev IdP provider configuration', () => {
  it('generates one private RS256 signing key with a kid', async () => {
    const keys = await generateSigningKeys();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(keys[0]!.kid).toMatch(/^[\w-]{16}$/);
    expect(keys[0]!.d).toBeDefined();
  });

  it('uses the keys it is given and registers each client for the code flow with refresh tokens and token exchange (RFC 8693, on-behalf-of)', async () => {
    const keys = await generateSigningKeys();
    const { provider, keys: used } = await createDevIdpProvider({
      issuer: 'http://127.0.0.1:9',
      clients: [{ clientId: 'app', clientSecret: 's', redirectUris: ['http://127.0.0.1:9/cb'], postLogoutRedirectUris: [] }],
      keys,
    });
    expect(used).toBe(keys);
    expect(provider.issuer).toBe('http://127.0.0.1:9');
    const client = await provider.Client.find('app');
    expect(client?.grantTypes).toEqual([
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:token-exchange',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ]);
    expect(client?.redirectUris).toEqual(['http://127.0.0.1:9/cb']);
  });

  it('publishes a demo account whose password is documented', () => {
    expect(DEMO_USER).toMatchObject({ username: 'demo', password: 'demo-password', roles: ['user', 'codes-reader'] });
  });
});
