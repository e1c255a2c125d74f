import { z } from 'zod';
import { defineConfigSection, envBoolean } from '../config/config-section.js';
import { storageAccountConfigSection, tableEndpointFromQueueUrl } from '../azure/storage-account.config.js';

/**
 * Where the valid-code table lives: the same storage account as the queue (StorageAccountConfig
 * resolves it). Locally that is Azurite's table endpoint through AZURE_STORAGE_CONNECTION_STRING
 * (it carries `TableEndpoint=`); in Azure it is the account's table URL with the shared Azure
 * credential (managed identity), given as STORAGE_TABLE_URL or derived from STORAGE_QUEUE_URL.
 */
export class CodeTableConfig {
  readonly connectionString?: string;
  /** Account table endpoint, e.g. https://acct.table.core.windows.net (credential-based access). */
  readonly tableEndpoint?: string;
  readonly tableName!: string;
  readonly createIfMissing!: boolean;
  readonly requestTimeoutMs!: number;
  readonly maxTries!: number;
  readonly retryDelayMs!: number;
  /** How often rows whose life has ended are deleted (the storage account's STORAGE_SWEEP_INTERVAL_SECONDS). */
  readonly sweepIntervalMs!: number;
}

export { tableEndpointFromQueueUrl };

export const codeTableConfigSection = defineConfigSection(
  'codeTable',
  CodeTableConfig,
  z.object({
    CODE_TABLE_NAME: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'must be a valid table name (3-63 letters and digits, starting with a letter)')
      .default('validcodes'),
    CODE_TABLE_CREATE_IF_MISSING: envBoolean(false),
  }),
  (v, _env, config) => {
    const account = config.get(storageAccountConfigSection);
    return {
      // An explicit table endpoint wins over the connection string.
      connectionString: account.tableEndpoint ? undefined : account.connectionString,
      tableEndpoint: account.tableEndpoint,
      tableName: account.tableNameInUrl ?? v.CODE_TABLE_NAME,
      createIfMissing: v.CODE_TABLE_CREATE_IF_MISSING,
      requestTimeoutMs: account.requestTimeoutMs,
      maxTries: account.maxTries,
      retryDelayMs: account.retryDelayMs,
      sweepIntervalMs: account.sweepIntervalMs,
    };
  },
  {
    reads: [storageAccountConfigSection],
    checks: [
      (table) =>
        !table.connectionString && !table.tableEndpoint
          ? ['STORAGE_TABLE_URL: is required (or set AZURE_STORAGE_CONNECTION_STRING, or an Azure STORAGE_QUEUE_URL it can be derived from)']
          : [],
    ],
  },
);
