import request from 'supertest';
import { startAzurite, type AzuriteHandle } from './support/azurite.js';
import { NumberApiDouble } from './support/number-api-double.js';
import { KeyVaultDouble } from './support/key-vault-double.js';
import { startApp, type RunningApp } from './support/app.js';
import { KeyVaultSecretStore } from '../src/secrets/key-vault-secret-store.js';
import { SecretNotFoundError, SecretStoreUnavailableError } from '../src/secrets/secrets.errors.js';

const SECRET = 'third-party-api-key';

/**
 * The real SecretClient + DefaultAzureCredential (App Service managed identity form) against an
 * HTTPS double that speaks Key Vault's protocol, 401 challenge included.
 */
describe('Key Vault secret store (real SecretClient, protocol double)', () => {
  let vault: KeyVaultDouble;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    vault = await new KeyVaultDouble().start();
    // DefaultAzureCredential reads its environment itself, as it does on App Service.
    Object.assign(process.env, vault.credentialEnv());
  });

  afterAll(async () => {
    process.env = savedEnv;
    await vault.stop();
  });

  const store = () =>
    new KeyVaultSecretStore({ vaultUrl: vault.vaultUrl, disableChallengeResourceVerification: true, retryDelayMs: 20 });

  it('goes through the 401 challenge, gets a managed-identity token and reads the secret', async () => {
    vault.secrets.set(SECRET, 'v1-value');
    const challengesBefore = vault.challenges;
    await expect(store().read(SECRET)).resolves.toBe('v1-value');
    expect(vault.challenges - challengesBefore).toBeGreaterThanOrEqual(1);
    expect(vault.tokenRequests).toBeGreaterThanOrEqual(1);
  });

  it('maps 404 to SecretNotFoundError', async () => {
    await expect(store().read('no-such-secret')).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  it('backs off and retries on 429 and 5xx', async () => {
    vault.secrets.set(SECRET, 'v1-value');
    vault.failNext({ status: 429, retryAfterSeconds: 0, times: 2 });
    vault.failNext({ status: 503, times: 1 });
    await expect(store().read(SECRET)).resolves.toBe('v1-value');
  });

  it('gives up with SecretStoreUnavailableError after its retries, naming status, not secrets', async () => {
    vault.failNext({ status: 500, times: 20 });
    const error = await store().read(SECRET).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretStoreUnavailableError);
    expect((error as Error).message).toContain('HTTP 500');
    expect((error as Error).message).not.toContain('v1-value');
    vault.clearFaults();
  });

  it('refuses a vault outside *.vault.azure.net unless verification is disabled', async () => {
    const strict = new KeyVaultSecretStore({ vaultUrl: vault.vaultUrl, disableChallengeResourceVerification: false, retryDelayMs: 20 });
    await expect(strict.read(SECRET)).rejects.toBeInstanceOf(SecretStoreUnavailableError);
  });
});

describe('getcode with SECRETS_PROVIDER=keyvault', () => {
  let vault: KeyVaultDouble;
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  let running: RunningApp | undefined;
  const savedEnv = { ...process.env };

  const env = () => ({
    KEY_VAULT_URL: vault.vaultUrl,
    KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'true',
    KEY_VAULT_RETRY_DELAY_MS: '20',
    THIRD_PARTY_API_ENDPOINT: numbers.url,
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    QUEUE_CREATE_IF_MISSING: 'true',
    CODE_TABLE_CREATE_IF_MISSING: 'true',
  });

  beforeAll(async () => {
    [vault, azurite, numbers] = await Promise.all([new KeyVaultDouble().start(), startAzurite(), new NumberApiDouble().start()]);
    Object.assign(process.env, vault.credentialEnv());
  });

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  afterAll(async () => {
    process.env = savedEnv;
    await Promise.all([vault.stop(), numbers.stop(), azurite.stop()]);
  });

  it('reads the key once at start and never per request (KEY_VAULT_URL alone selects Key Vault)', async () => {
    vault.secrets.set(SECRET, numbers.validKey);
    const readsBefore = vault.secretReads;
    running = await startApp(env());
    for (let i = 0; i < 25; i++) await request(running.url).get('/api/v1/getcode').expect(200);
    expect(vault.secretReads - readsBefore).toBe(1);
    expect(numbers.keysSeen.at(-1)).toBe(numbers.validKey);
  });

  it('picks up a rotated key without a restart: upstream 401 → one re-read → one retry', async () => {
    vault.secrets.set(SECRET, 'key-v1');
    numbers.validKey = 'key-v1';
    running = await startApp(env());
    await request(running.url).get('/api/v1/getcode').expect(200);
    const reads = vault.secretReads;
    const calls = numbers.requests;

    // Rotation: the vault and the third party now hold key-v2; the app still caches key-v1.
    vault.secrets.set(SECRET, 'key-v2');
    numbers.validKey = 'key-v2';
    await request(running.url).get('/api/v1/getcode').expect(200);
    expect(vault.secretReads - reads).toBe(1);
    expect(numbers.requests - calls).toBe(2);
    expect(numbers.keysSeen.slice(-2)).toEqual(['key-v1', 'key-v2']);

    // And it stays on the new key: no more re-reads.
    await request(running.url).get('/api/v1/getcode').expect(200);
    expect(vault.secretReads - reads).toBe(1);
    expect(numbers.requests - calls).toBe(3);
  });

  it('concurrent requests hitting a rotated key share one Key Vault read', async () => {
    vault.secrets.set(SECRET, 'key-a');
    numbers.validKey = 'key-a';
    running = await startApp(env());
    await request(running.url).get('/api/v1/getcode').expect(200);
    const reads = vault.secretReads;
    vault.secrets.set(SECRET, 'key-b');
    numbers.validKey = 'key-b';
    await Promise.all(Array.from({ length: 10 }, () => request(running!.url).get('/api/v1/getcode').expect(200)));
    expect(vault.secretReads - reads).toBe(1);
  });

  it('stays up but not ready while Key Vault refuses at start, then becomes ready without a restart', async () => {
    vault.secrets.set(SECRET, numbers.validKey);
    vault.failNext({ status: 403, times: 1 }); // not retried by the SDK: the start-up loop must retry
    running = await startApp(env());
    const notReady = await request(running.url).get('/health/ready').expect(503);
    // Anonymous callers see up/down only; which secret and why goes to the log.
    expect(notReady.body.error.secrets).toEqual({ status: 'down' });
    expect(JSON.stringify(notReady.body)).not.toContain(SECRET);
    expect(JSON.stringify(notReady.body)).not.toContain(numbers.validKey);
    await request(running.url).get('/health/live').expect(200);
    await waitFor(async () => (await request(running!.url).get('/health/ready')).status === 200, 5000);
    await request(running.url).get('/api/v1/getcode').expect(200);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
