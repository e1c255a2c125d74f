import type { TokenCredential } from '@azure/identity';
import { azureCredential } from '../../azure/azure-credential.js';
import type { Clock } from '../../common/clock.js';
import type { SecretsConfig } from '../../secrets/secrets.config.js';
import type { SecretsService } from '../../secrets/secrets.service.js';
import type { OidcConfig } from '../oidc/oidc.config.js';
import type { ClientAssertionSigner } from './client-assertion-signer.js';
import type { ClientAuthentication } from './client-authentication.js';
import { FederatedClientAuthentication } from './federated-client-authentication.js';
import { KeyVaultClientAssertionSigner } from './key-vault-client-assertion-signer.js';
import { LocalClientAssertionSigner } from './local-client-assertion-signer.js';
import { PrivateKeyJwtClientAuthentication } from './private-key-jwt-client-authentication.js';
import { PublicClientAuthentication } from './public-client-authentication.js';
import { SecretClientAuthentication } from './secret-client-authentication.js';

/** Builds only the configured client authentication (AUTH_CLIENT_AUTH): no Key Vault client or Azure credential otherwise. */
export function createClientAuthentication(
  oidc: OidcConfig,
  secretsConfig: SecretsConfig,
  secrets: SecretsService,
  clock: Clock,
  credential: () => TokenCredential = azureCredential,
): ClientAuthentication {
  // Sign-in off: nothing is ever sent to an IdP, so no key, vault client or credential is built.
  if (oidc.provider === 'none') return new PublicClientAuthentication();
  switch (oidc.clientAuth) {
    case 'client_secret_basic':
    case 'client_secret_post':
      return new SecretClientAuthentication(oidc.clientAuth, secrets, oidc.clientSecretName!);
    case 'private_key_jwt':
      return new PrivateKeyJwtClientAuthentication(createClientAssertionSigner(oidc, secretsConfig, secrets, clock, credential), clock);
    case 'federated':
      return new FederatedClientAuthentication(credential, oidc.assertionScope);
    case 'none':
      return new PublicClientAuthentication();
  }
}

/** The signing key where the secrets are: a Key Vault key with SECRETS_PROVIDER=keyvault, else the local secret store's. */
export function createClientAssertionSigner(
  oidc: OidcConfig,
  secretsConfig: SecretsConfig,
  secrets: SecretsService,
  clock: Clock,
  credential: () => TokenCredential = azureCredential,
): ClientAssertionSigner {
  switch (secretsConfig.provider) {
    case 'keyvault':
      return new KeyVaultClientAssertionSigner(
        {
          vaultUrl: secretsConfig.keyVaultUrl!,
          keyName: oidc.clientKeyName,
          credential: credential(),
          disableChallengeResourceVerification: secretsConfig.keyVaultDisableChallengeResourceVerification,
          retryDelayMs: secretsConfig.keyVaultRetryDelayMs,
        },
        clock,
      );
    case 'local':
      return new LocalClientAssertionSigner(secrets, oidc.clientKeyName);
  }
}
