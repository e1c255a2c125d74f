import { z } from 'zod';
import { defineConfigSection, envInt, optionalString, optionalUrl } from '../config/config-section.js';

/**
 * The app's storage account, holding the code queue, the code table and the session table.
 * Azurite and Azure Storage are the same clients with a different connection: a connection string
 * (Azurite, or an account key), or URLs with the shared Azure credential (managed identity):
 * STORAGE_QUEUE_URL, and STORAGE_TABLE_URL or, for Azure, the table endpoint derived from the
 * queue URL (`.queue.` → `.table.`). Request settings apply to every client of the account.
 */
export class StorageAccountConfig {
  readonly connectionString?: string;
  /** Full queue URL for credential-based access (the sample's STORAGE_QUEUE_URL). */
  readonly queueUrl?: string;
  /** Account table endpoint, e.g. https://acct.table.core.windows.net (credential-based access). */
  readonly tableEndpoint?: string;
  /** The table named in STORAGE_TABLE_URL, if it names one. */
  readonly tableNameInUrl?: string;
  readonly requestTimeoutMs!: number;
  readonly maxTries!: number;
  readonly retryDelayMs!: number;
  /**
   * How often the processes using the account's tables delete rows whose life has ended (Table
   * Storage has no TTL): ended sessions and logout-token claims, codes, owners' lists, budgets.
   */
  readonly sweepIntervalMs!: number;
}

/** The account's variables. */
const storageAccountVariables = {
  AZURE_STORAGE_CONNECTION_STRING: optionalString(),
  STORAGE_QUEUE_URL: optionalUrl(),
  STORAGE_TABLE_URL: optionalUrl(),
  QUEUE_REQUEST_TIMEOUT_MS: envInt(5000, 100, 120_000),
  QUEUE_MAX_TRIES: envInt(3, 1, 10),
  QUEUE_RETRY_DELAY_MS: envInt(200, 1, 60_000),
  STORAGE_SWEEP_INTERVAL_SECONDS: envInt(3600, 1, 7 * 86_400),
};

type StorageAccountVariables = z.output<z.ZodObject<typeof storageAccountVariables>>;

/** The one place the account's endpoints are resolved from its variables. */
function resolveStorageAccount(v: StorageAccountVariables): StorageAccountConfig {
  return {
    connectionString: v.AZURE_STORAGE_CONNECTION_STRING,
    queueUrl: v.STORAGE_QUEUE_URL,
    tableEndpoint: v.STORAGE_TABLE_URL
      ? accountEndpoint(v.STORAGE_TABLE_URL)
      : v.AZURE_STORAGE_CONNECTION_STRING
        ? undefined
        : tableEndpointFromQueueUrl(v.STORAGE_QUEUE_URL),
    tableNameInUrl: v.STORAGE_TABLE_URL ? tableNameFromUrl(v.STORAGE_TABLE_URL) : undefined,
    requestTimeoutMs: v.QUEUE_REQUEST_TIMEOUT_MS,
    maxTries: v.QUEUE_MAX_TRIES,
    retryDelayMs: v.QUEUE_RETRY_DELAY_MS,
    sweepIntervalMs: v.STORAGE_SWEEP_INTERVAL_SECONDS * 1000,
  };
}

export const storageAccountConfigSection = defineConfigSection(
  'storageAccount',
  StorageAccountConfig,
  z.object(storageAccountVariables),
  resolveStorageAccount,
);

/** `https://acct.queue.core.windows.net/code-requests` → `https://acct.table.core.windows.net`. */
export function tableEndpointFromQueueUrl(queueUrl: string | undefined): string | undefined {
  if (!queueUrl) return undefined;
  const url = new URL(queueUrl);
  if (!/\.queue\./.test(url.hostname)) return undefined;
  return `${url.protocol}//${url.host.replace('.queue.', '.table.')}`;
}

/** Azure table URLs are `https://acct.table.core.windows.net[/table]`; Azurite's carry the account first. */
function accountEndpoint(tableUrl: string): string {
  const url = new URL(tableUrl);
  const segments = url.pathname.split('/').filter(Boolean);
  const isAzure = /\.table\./.test(url.hostname);
  const keep = isAzure ? [] : segments.slice(0, 1);
  return `${url.protocol}//${url.host}${keep.length ? `/${keep.join('/')}` : ''}`;
}

function tableNameFromUrl(tableUrl: string): string | undefined {
  const url = new URL(tableUrl);
  const segments = url.pathname.split('/').filter(Boolean);
  const isAzure = /\.table\./.test(url.hostname);
  return (isAzure ? segments[0] : segments[1]) || undefined;
}
