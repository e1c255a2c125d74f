import { loadConfig } from './load-config.js';
import { apiConfigSections } from '../apps/api/app.factory.js';
import { ConfigValidationError } from './config.errors.js';
import { httpConfigSection } from './http.config.js';
import { runtimeConfigSection } from './runtime.config.js';
import { rateLimitConfigSection } from '../rate-limit/rate-limit.config.js';
import { secretsConfigSection } from '../secrets/secrets.config.js';
import { queueConfigSection } from '../queue/queue.config.js';
import { numberApiConfigSection } from '../number-api/number-api.config.js';

/** What the sample's provision.sh sets on the App Service, and nothing else. */
const SAMPLE_ENV = {
  THIRD_PARTY_API_ENDPOINT: 'https://msdocs-example-api.azurewebsites.net/api/RandomNumber',
  KEY_VAULT_URL: 'https://msdocs-kv.vault.azure.net/',
  THIRD_PARTY_API_SECRET_NAME: 'third-party-api-key',
  STORAGE_QUEUE_URL: 'https://msdocsstorage.queue.core.windows.net/code-requests',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, apiConfigSections());
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it("runs unchanged on the sample's provisioning variables: Key Vault + managed-identity queue", () => {
    const config = loadConfig(SAMPLE_ENV, apiConfigSections());
    expect(config.get(secretsConfigSection)).toMatchObject({ provider: 'keyvault', keyVaultUrl: SAMPLE_ENV.KEY_VAULT_URL });
    expect(config.get(queueConfigSection)).toMatchObject({ queueUrl: SAMPLE_ENV.STORAGE_QUEUE_URL, queueName: 'code-requests', encoding: 'plain' });
    expect(config.get(numberApiConfigSection)).toMatchObject({ secretName: 'third-party-api-key', timeoutMs: 3000 });
    expect({ ...config.get(httpConfigSection), ...config.get(runtimeConfigSection), ...config.get(rateLimitConfigSection) }).toMatchObject({ port: 3000, nodeEnv: 'development', throttleLimit: 100, throttleTtlMs: 60_000 });
  });

  it('names every bad or missing variable at once', () => {
    const problems = problemsOf({ PORT: 'eighty', THIRD_PARTY_API_TIMEOUT_MS: '-1', QUEUE_MESSAGE_ENCODING: 'utf7', SECRETS_PROVIDER: 'vault' });
    const named = (variable: string) => problems.some((p) => p.startsWith(`${variable}:`));
    expect(named('PORT')).toBe(true);
    expect(named('THIRD_PARTY_API_ENDPOINT')).toBe(true);
    expect(named('THIRD_PARTY_API_TIMEOUT_MS')).toBe(true);
    expect(named('QUEUE_MESSAGE_ENCODING')).toBe(true);
    expect(named('SECRETS_PROVIDER')).toBe(true);
  });

  it('asks for a queue when neither STORAGE_QUEUE_URL nor a connection string is set', () => {
    expect(problemsOf({ THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:7071/api/RandomNumber' })).toContain(
      'STORAGE_QUEUE_URL: is required (or set AZURE_STORAGE_CONNECTION_STRING, e.g. for Azurite)',
    );
  });

  it('requires KEY_VAULT_URL for SECRETS_PROVIDER=keyvault and rejects both queue connection styles together', () => {
    const problems = problemsOf({
      ...SAMPLE_ENV,
      KEY_VAULT_URL: '',
      SECRETS_PROVIDER: 'keyvault',
      AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    });
    expect(problems.join('\n')).toMatch(/KEY_VAULT_URL: /);
    expect(problems.join('\n')).toMatch(/STORAGE_QUEUE_URL: set either/);
  });

  it('collects SECRET_* variables for the local provider, and never other variables', () => {
    const config = loadConfig(
      { ...SAMPLE_ENV, KEY_VAULT_URL: '', SECRET_THIRD_PARTY_API_KEY: 'k', SECRET_OTHER_FILE: '/run/x', PATH: '/bin' },
      apiConfigSections(),
    );
    expect(config.get(secretsConfigSection)).toMatchObject({
      provider: 'local',
      localValues: { SECRET_THIRD_PARTY_API_KEY: 'k', SECRET_OTHER_FILE: '/run/x' },
    });
    expect(Object.keys(config.get(secretsConfigSection).localValues)).not.toContain('PATH');
  });

  it('parses booleans strictly', () => {
    expect(problemsOf({ ...SAMPLE_ENV, QUEUE_CREATE_IF_MISSING: 'maybe' })).toEqual([
      'QUEUE_CREATE_IF_MISSING: must be true or false',
    ]);
  });
});
