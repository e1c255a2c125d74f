import { Test } from '@nestjs/testing';
import { AppConfigModule } from '../config/config.module.js';
import { loadConfig } from '../config/load-config.js';
import { createSecretStore } from './secret-store.factory.js';
import { LocalSecretStore } from './local-secret-store.js';
import { KeyVaultSecretStore } from './key-vault-secret-store.js';
import { SecretStore } from './secret-store.js';
import { secretsConfigSection, type SecretsConfig } from './secrets.config.js';
import { SecretsModule } from './secrets.module.js';
import { SecretsService } from './secrets.service.js';

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

describe('SecretsModule (SECRETS_PROVIDER → the SecretStore its providers build)', () => {
  const moduleFor = (env: Record<string, string>) =>
    Test.createTestingModule({ imports: [AppConfigModule.forRoot(loadConfig(env, [secretsConfigSection])), SecretsModule] }).compile();

  it.each([
    [{ SECRETS_PROVIDER: 'local', SECRET_THIRD_PARTY_API_KEY: 'k' }, LocalSecretStore],
    [{ SECRETS_PROVIDER: 'keyvault', KEY_VAULT_URL: 'https://x.vault.azure.net' }, KeyVaultSecretStore],
  ])('%j → %p behind SecretsService', async (env, implementation) => {
    const moduleRef = await moduleFor(env);
    expect(moduleRef.get(SecretStore)).toBeInstanceOf(implementation);
    expect(moduleRef.get(SecretsService)).toBeInstanceOf(SecretsService);
    await moduleRef.close();
  });
});
