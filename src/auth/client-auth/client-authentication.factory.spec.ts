import { SystemClock } from '../../common/clock.js';
import type { SecretsConfig } from '../../secrets/secrets.config.js';
import type { SecretsService } from '../../secrets/secrets.service.js';
import type { OidcConfig } from '../oidc/oidc.config.js';
import { createClientAuthentication } from './client-authentication.factory.js';
import { FederatedClientAuthentication } from './federated-client-authentication.js';
import { KeyVaultClientAssertionSigner } from './key-vault-client-assertion-signer.js';
import { LocalClientAssertionSigner } from './local-client-assertion-signer.js';
import { PrivateKeyJwtClientAuthentication } from './private-key-jwt-client-authentication.js';
import { PublicClientAuthentication } from './public-client-authentication.js';
import { SecretClientAuthentication } from './secret-client-authentication.js';

const oidc = (clientAuth: OidcConfig['clientAuth'], provider: OidcConfig['provider'] = 'dev') =>
  ({ provider, clientAuth, clientSecretName: 'oidc-client-secret', clientKeyName: 'oidc-client-key', assertionScope: 'api://AzureADTokenExchange/.default' }) as OidcConfig;
const secretsConfig = (provider: 'local' | 'keyvault') =>
  ({ provider, keyVaultUrl: 'https://x.vault.azure.net', keyVaultDisableChallengeResourceVerification: false, keyVaultRetryDelayMs: 1 }) as SecretsConfig;
const secrets = { get: () => Promise.resolve('s') } as unknown as SecretsService;
const noCredential = () => {
  throw new Error('no credential is built for this method');
};

describe('createClientAuthentication (AUTH_CLIENT_AUTH → implementation)', () => {
  it.each([
    ['client_secret_basic', SecretClientAuthentication],
    ['client_secret_post', SecretClientAuthentication],
    ['none', PublicClientAuthentication],
  ] as const)('%s → %p, with no Azure credential', (method, implementation) => {
    const auth = createClientAuthentication(oidc(method), secretsConfig('keyvault'), secrets, new SystemClock(), noCredential);
    expect(auth).toBeInstanceOf(implementation);
    expect(auth.method).toBe(method);
  });

  it('secret methods require the client secret; the others no secret at all (a local key is its own secret)', () => {
    const build = (method: OidcConfig['clientAuth'], store: 'local' | 'keyvault' = 'local') =>
      createClientAuthentication(oidc(method), secretsConfig(store), secrets, new SystemClock(), () => ({}) as never);
    expect(build('client_secret_basic').requiredSecrets()).toEqual([{ name: 'oidc-client-secret', variable: 'OIDC_CLIENT_SECRET_NAME' }]);
    expect(build('private_key_jwt', 'local').requiredSecrets()).toEqual([{ name: 'oidc-client-key', variable: 'OIDC_CLIENT_KEY_NAME' }]);
    expect(build('private_key_jwt', 'keyvault').requiredSecrets()).toEqual([]);
    expect(build('federated').requiredSecrets()).toEqual([]);
    expect(build('none').requiredSecrets()).toEqual([]);
  });

  it('private_key_jwt signs with a Key Vault key when the secrets are in Key Vault, else with the local store', () => {
    const vault = createClientAuthentication(oidc('private_key_jwt'), secretsConfig('keyvault'), secrets, new SystemClock(), () => ({}) as never);
    const local = createClientAuthentication(oidc('private_key_jwt'), secretsConfig('local'), secrets, new SystemClock(), noCredential);
    expect(vault).toBeInstanceOf(PrivateKeyJwtClientAuthentication);
    expect((vault as PrivateKeyJwtClientAuthentication).signer).toBeInstanceOf(KeyVaultClientAssertionSigner);
    expect((local as PrivateKeyJwtClientAuthentication).signer).toBeInstanceOf(LocalClientAssertionSigner);
  });

  it('federated → the Azure credential, asked only when a request is made', () => {
    expect(createClientAuthentication(oidc('federated'), secretsConfig('local'), secrets, new SystemClock(), noCredential)).toBeInstanceOf(FederatedClientAuthentication);
  });

  it('sign-in off: a public client whatever AUTH_CLIENT_AUTH says (nothing is built for an IdP never called)', () => {
    expect(createClientAuthentication(oidc('private_key_jwt', 'none'), secretsConfig('keyvault'), secrets, new SystemClock(), noCredential)).toBeInstanceOf(PublicClientAuthentication);
  });
});
