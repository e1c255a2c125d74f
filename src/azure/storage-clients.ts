import { QueueClient, type StoragePipelineOptions } from '@azure/storage-queue';
import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import { azureCredential } from './azure-credential.js';
import { AZURITE_ACCOUNT } from './azurite.js';

/** How to reach the account: what StorageAccountConfig resolves (and what sections built on it carry). */
export interface StorageConnection {
  readonly connectionString?: string;
  readonly queueUrl?: string;
  readonly tableEndpoint?: string;
}

export interface StorageRetry {
  readonly requestTimeoutMs?: number;
  readonly maxTries: number;
  readonly retryDelayMs: number;
}

/**
 * The one rule for plain http: only to a loopback host, or to Azurite (its well-known account or
 * `UseDevelopmentStorage=true`, wherever it runs). An account key or a token never crosses a
 * network in clear text to anything else.
 */
export function allowsInsecureConnection(connectionStringOrUrl: string): boolean {
  if (/^\s*https?:\/\//i.test(connectionStringOrUrl)) return isLoopback(connectionStringOrUrl);
  const fields = new Map(
    connectionStringOrUrl
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const at = part.indexOf('=');
        return [part.slice(0, at).toLowerCase(), part.slice(at + 1)] as const;
      }),
  );
  if (fields.get('usedevelopmentstorage')?.toLowerCase() === 'true') return true;
  if (fields.get('accountname') === AZURITE_ACCOUNT) return true;
  const endpoints = ['queueendpoint', 'tableendpoint', 'blobendpoint'].map((k) => fields.get(k)).filter((e): e is string => !!e);
  return endpoints.length > 0 && endpoints.every(isLoopback);
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}

/**
 * A QueueClient for `queueName` on the account: by connection string, or by the queue URL (its
 * last segment replaced, so the watcher opens `<queue>-poison` of the same account) with the shared
 * Azure credential.
 */
export function createQueueClient(account: StorageConnection & StorageRetry, queueName: string): QueueClient {
  const options: StoragePipelineOptions = {
    retryOptions: {
      maxTries: account.maxTries,
      tryTimeoutInMs: account.requestTimeoutMs,
      retryDelayInMs: account.retryDelayMs,
      maxRetryDelayInMs: account.retryDelayMs * 16,
    },
  };
  if (account.connectionString) return new QueueClient(account.connectionString, queueName, options);
  if (!account.queueUrl) throw new Error('No queue connection: set AZURE_STORAGE_CONNECTION_STRING or STORAGE_QUEUE_URL');
  const url = new URL(account.queueUrl);
  const segments = url.pathname.split('/');
  segments[segments.length - 1] = queueName;
  url.pathname = segments.join('/');
  return new QueueClient(url.toString(), azureCredential(), options);
}

/**
 * A TableClient for `tableName`: by the table endpoint with the shared Azure credential when one is
 * set (it wins over a connection string), else by connection string.
 */
export function createTableClient(account: StorageConnection & StorageRetry, tableName: string, extra: TableServiceClientOptions = {}): TableClient {
  const options: TableServiceClientOptions = {
    retryOptions: { maxRetries: account.maxTries - 1, retryDelayInMs: account.retryDelayMs, maxRetryDelayInMs: account.retryDelayMs * 16 },
    ...extra,
  };
  if (account.tableEndpoint) {
    return new TableClient(account.tableEndpoint, tableName, azureCredential(), {
      ...options,
      allowInsecureConnection: allowsInsecureConnection(account.tableEndpoint),
    });
  }
  if (!account.connectionString) throw new Error('No table connection: set AZURE_STORAGE_CONNECTION_STRING or STORAGE_TABLE_URL');
  return TableClient.fromConnectionString(account.connectionString, tableName, {
    ...options,
    allowInsecureConnection: allowsInsecureConnection(account.connectionString),
  });
}
