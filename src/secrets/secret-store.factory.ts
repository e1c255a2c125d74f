import { KeyVaultSecretStore } from './key-vault-secret-store.js';
import { LocalSecretStore } from './local-secret-store.js';
import type { SecretStore } from './secret-store.js';
import type { SecretsConfig } from './secrets.config.js';

/** Builds only the configured store: no Key Vault client exists in local mode. */
export function createSecretStore(config: SecretsConfig): SecretStore {
  switch (config.provider) {
    case 'local':
      return new LocalSecretStore(config.localValues);
    case 'keyvault':
      return new KeyVaultSecretStore({
        vaultUrl: config.keyVaultUrl!,
        disableChallengeResourceVerification: config.keyVaultDisableChallengeResourceVerification,
        retryDelayMs: config.keyVaultRetryDelayMs,
      });
  }
}
