import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

let shared: TokenCredential | undefined;

/**
 * The process's one Azure identity (managed identity in Azure; environment, workload identity or
 * Azure CLI on a laptop). Built on first use, so local mode (connection strings, local secrets)
 * never builds one; every credential-based client (Key Vault, queues, tables) shares it and with
 * it one token cache.
 */
export function azureCredential(): TokenCredential {
  shared ??= new DefaultAzureCredential();
  return shared;
}
