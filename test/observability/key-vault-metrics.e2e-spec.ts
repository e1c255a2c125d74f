import request from 'supertest';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { KeyVaultDouble } from '../support/key-vault-double.js';
import { startApp, type RunningApp } from '../support/app.js';

function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').pop()) : 0;
}

/**
 * Key Vault reads at /metrics: the app reading its function key (and the metrics scrape token)
 * through the real SecretClient against the Key Vault protocol double. Cache hits are not reads.
 */
describe('Key Vault read metrics', () => {
  let vault: KeyVaultDouble;
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  let running: RunningApp;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    [vault, azurite, numbers] = await Promise.all([new KeyVaultDouble().start(), startAzurite(), new NumberApiDouble().start()]);
    Object.assign(process.env, vault.credentialEnv());
    vault.secrets.set('third-party-api-key', numbers.validKey);
    vault.secrets.set('metrics-scrape-token', 'vault-scrape-token');
    running = await startApp({
      KEY_VAULT_URL: vault.vaultUrl,
      KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'true',
      KEY_VAULT_RETRY_DELAY_MS: '20',
      THIRD_PARTY_API_ENDPOINT: numbers.url,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      QUEUE_CREATE_IF_MISSING: 'true',
      CODE_TABLE_CREATE_IF_MISSING: 'true', // getcode writes the code table before it answers
      METRICS_AUTH: 'token',
    });
  }, 60_000);

  afterAll(async () => {
    process.env = savedEnv;
    await running?.close();
    await Promise.all([vault?.stop(), numbers?.stop(), azurite?.stop()]);
  });

  it('counts successful and failed reads; the scrape token itself comes from Key Vault', async () => {
    const first = await request(running.url).get('/api/v1/getcode');
    expect({ status: first.status, body: first.body }).toEqual({ status: 200, body: expect.objectContaining({ code: expect.any(String) }) });
    await request(running.url).get('/metrics').expect(401);
    const res = await request(running.url).get('/metrics').set('Authorization', 'Bearer vault-scrape-token').expect(200);
    // The function key and the scrape token: one read each, then served from the cache.
    expect(sample(res.text, 'keyvault_secret_reads_total', { outcome: 'ok' })).toBe(2);

    vault.secrets.delete('third-party-api-key');
    numbers.validKey = 'rotated-key';
    await request(running.url).get('/api/v1/getcode').expect(503);
    const after = (await request(running.url).get('/metrics').set('Authorization', 'Bearer vault-scrape-token')).text;
    expect(sample(after, 'keyvault_secret_reads_total', { outcome: 'not_found' })).toBe(1);
  });
});
