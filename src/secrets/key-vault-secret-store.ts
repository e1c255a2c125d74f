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

  async read(name: string): Promise<string> {
    try {
      const secret = await this.client.getSecret(name);
      if (secret.value === undefined) throw new SecretNotFoundError(name, this.kind);
      recordKeyVaultRead('ok');
      return secret.value;
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
