import { createSecretStore } from './secret-store.factory.js';
import { LocalSecretStore } from './local-secret-store.js';
import { KeyVaultSecretStore } from './key-vault-secret-store.js';
import type { SecretsConfig } from './secrets.config.js';

const base: SecretsConfig = {
  provider: 'local',
  keyVaultDisableChallengeResourceVerification: false,
  keyVaultRetryDelayMs: 1000,
  maxAgeMs: 0,
  startupRetryMaxDelayMs: 1000,
  localValues: {},
};

describe('createSecretStore (SECRETS_PROVIDER → implementation)', () => {
  it('local → LocalSecretStore', () => {
    expect(createSecretStore({ ...base, provider: 'local' })).toBeInstanceOf(LocalSecretStore);
  });

  it('keyvault → KeyVaultSecretStore', () => {
    const store = createSecretStore({ ...base, provider: 'keyvault', keyVaultUrl: 'https://x.vault.azure.net' });
    expect(store).toBeInstanceOf(KeyVaultSecretStore);
    expect(store.kind).toBe('keyvault');
  });
});
