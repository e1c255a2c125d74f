import { DefaultAzureCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { KeyVaultDouble } from '../support/key-vault-double.js';
import { ManagedIdentityDouble } from '../support/managed-identity-double.js';

/** The App Service managed-identity double, through the real DefaultAzureCredential. */
describe('managed-identity double (real DefaultAzureCredential)', () => {
  let identity: ManagedIdentityDouble;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    identity = await new ManagedIdentityDouble().start();
    Object.assign(process.env, identity.credentialEnv());
  });

  afterEach(() => identity.clearFaults());

  afterAll(async () => {
    process.env = savedEnv;
    await identity.stop();
  });

  it('issues a JWT for api://AzureADTokenExchange that verifies against the issuer it publishes (federated credential)', async () => {
    const { token } = await new DefaultAzureCredential().getToken('api://AzureADTokenExchange/.default');
    expect(identity.requestedResources).toContain('api://AzureADTokenExchange');

    // What an IdP trusting this issuer does: discovery, then the JWKS, then the signature and claims.
    const discovery = (await fetch(identity.discoveryUrl).then((r) => r.json())) as { issuer: string; jwks_uri: string };
    expect(discovery).toEqual(expect.objectContaining({ issuer: identity.issuer, jwks_uri: identity.jwksUri }));
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
      issuer: discovery.issuer,
      audience: 'api://AzureADTokenExchange',
    });
    expect(payload).toMatchObject({ sub: identity.principalId, oid: identity.principalId, tid: identity.tenantId, azp: identity.clientId });
    expect(ManagedIdentityDouble.tokenFor(`Bearer ${token}`, 'api://AzureADTokenExchange')).toMatchObject({ principalId: identity.principalId });
    expect(ManagedIdentityDouble.tokenFor(`Bearer ${token}`, 'https://vault.azure.net')).toBeUndefined();
  });

  it('binds each token to its resource: aud is the resource without the trailing slash', async () => {
    const { token } = await new DefaultAzureCredential().getToken('https://communication.azure.com//.default');
    expect(decodeJwt(token).aud).toBe('https://communication.azure.com');
  });

  it('its vault tokens open the existing secrets-only KeyVaultDouble too (one identity for every double)', async () => {
    const vault = await new KeyVaultDouble().start();
    try {
      vault.secrets.set('s', 'value');
      const client = new SecretClient(vault.vaultUrl, new DefaultAzureCredential(), { disableChallengeResourceVerification: true });
      await expect(client.getSecret('s')).resolves.toMatchObject({ value: 'value' });
      expect(vault.tokenRequests).toBe(0);
    } finally {
      await vault.stop();
    }
  });

  it('answers 400 as App Service does without the identity header, and failNext() makes the credential fail', async () => {
    const url = `${identity.endpoint}?api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net`;
    expect((await fetch(url)).status).toBe(400);
    expect((await fetch(url, { headers: { 'X-IDENTITY-HEADER': 'wrong' } })).status).toBe(400);

    // 403: the SDK retries 5xx (and MSAL 404/408/429) with backoff, which takes 15-20 s.
    identity.failNext({ status: 403, times: 100 });
    await expect(new DefaultAzureCredential().getToken('https://storage.azure.com/.default')).rejects.toThrow();
  });
});
