import type { TokenCredential } from '@azure/identity';
import { azureCredential } from '../azure/azure-credential.js';
import { SecretClient } from '@azure/keyvault-secrets';
import { isRestError } from '@azure/core-rest-pipeline';
import { SecretStore } from './secret-store.js';
import { SecretNotFoundError, SecretStoreUnavailableError } from './secrets.errors.js';
import { recordKeyVaultRead } from './secrets.metrics.js';

export interface KeyVaultSecretStoreOptions {
  vaultUrl: string;
  disableChallengeResourceVerification: boolean;
  credential?: TokenCredential;
  /** First back-off step for 429/5xx; doubles per retry (1, 2, 4, 8, 16 s by default). */
  retryDelayMs?: number;
  maxRetries?: number;
}

/**
 * Azure Key Vault through the official SecretClient and DefaultAzureCredential (managed identity in
 * Azure, Azure CLI or environment credentials on a laptop). The SDK's exponential retry policy
 * handles 429 (honouring Retry-After) and 5xx.
 */
export class KeyVaultSecretStore extends SecretStore {
  readonly kind = 'keyvault';
  private readonly client: SecretClient;

  constructor(options: KeyVaultSecretStoreOptions) {
    super();
    this.client = new SecretClient(options.vaultUrl, options.credential ?? azureCredential(), {
      disableChallengeResourceVerification: options.disableChallengeResourceVerification,
      retryOptions: {
        maxRetries: options.maxRetries ?? 5,
        retryDelayInMs: options.retryDelayMs ?? 1000,
        maxRetryDelayInMs: (options.retryDelayMs ?? 1000) * 16,
      },
    });
  }

  /** The current version and the newest enabled (not expired) ones before it: Key Vault keeps every version of a secret. */
  override async readVersions(name: string, max: number): Promise<string[]> {
    const current = await this.readVersion(name);
    if (max <= 1) return [current.value];
    try {
      const now = Date.now();
      const earlier: { version: string; created: number }[] = [];
      for await (const p of this.client.listPropertiesOfSecretVersions(name)) {
        if (!p.version || p.version === current.version || p.enabled === false) continue;
        if ((p.expiresOn && p.expiresOn.getTime() <= now) || (p.notBefore && p.notBefore.getTime() > now)) continue;
        earlier.push({ version: p.version, created: p.createdOn?.getTime() ?? 0 });
      }
      earlier.sort((a, b) => b.created - a.created);
      const values = await Promise.all(earlier.slice(0, max - 1).map(async ({ version }) => (await this.readVersion(name, version)).value));
      return [current.value, ...values];
    } catch (error) {
      if (error instanceof SecretNotFoundError || error instanceof SecretStoreUnavailableError) throw error;
      recordKeyVaultRead('failed');
      throw new SecretStoreUnavailableError(this.kind, describeKeyVaultFailure(error), { cause: error });
    }
  }

  async read(name: string): Promise<string> {
    return (await this.readVersion(name)).value;
  }

  private async readVersion(name: string, version?: string): Promise<{ value: string; version?: string }> {
    try {
      const secret = await this.client.getSecret(name, version ? { version } : undefined);
      if (secret.value === undefined) throw new SecretNotFoundError(name, this.kind);
      recordKeyVaultRead('ok');
      return { value: secret.value, version: secret.properties.version };
    } catch (error) {
      if (error instanceof SecretNotFoundError || (isRestError(error) && error.statusCode === 404)) {
        recordKeyVaultRead('not_found');
        throw error instanceof SecretNotFoundError ? error : new SecretNotFoundError(name, this.kind);
      }
      recordKeyVaultRead('failed');
      throw new SecretStoreUnavailableError(this.kind, describeKeyVaultFailure(error), { cause: error });
    }
  }
}

/** A reason fit for a log line: status or error class, never headers, tokens or bodies. */
export function describeKeyVaultFailure(error: unknown): string {
  if (isRestError(error)) {
    if (error.statusCode) return `HTTP ${error.statusCode}${error.code ? ` (${error.code})` : ''}`;
    return error.code ? `network error (${error.code})` : 'network error';
  }
  if (error instanceof Error) {
    // Credential errors say which credential failed; their messages carry no secret.
    if (/Credential|AuthenticationError/.test(error.name)) return `no usable Azure credential (${error.name})`;
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${error.name} (${code})` : error.name;
  }
  return 'unknown error';
}
