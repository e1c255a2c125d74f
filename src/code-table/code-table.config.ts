import { z } from 'zod';
import { defineConfigSection, envBoolean, envInt, optionalString, optionalUrl } from '../config/config-section.js';

/**
 * Where the valid-code table lives: the same storage account as the queue. Locally that is
 * Azurite's table endpoint through AZURE_STORAGE_CONNECTION_STRING (it carries `TableEndpoint=`);
 * in Azure it is the account's table URL with DefaultAzureCredential (managed identity), given as
 * STORAGE_TABLE_URL or derived from STORAGE_QUEUE_URL (`.queue.` → `.table.`).
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
}

export const codeTableConfigSection = defineConfigSection(
  'codeTable',
  CodeTableConfig,
  z
    .object({
      AZURE_STORAGE_CONNECTION_STRING: optionalString(),
      STORAGE_TABLE_URL: optionalUrl(),
      STORAGE_QUEUE_URL: optionalUrl(),
      CODE_TABLE_NAME: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'must be a valid table name (3-63 letters and digits, starting with a letter)')
        .default('validcodes'),
      CODE_TABLE_CREATE_IF_MISSING: envBoolean(false),
      QUEUE_REQUEST_TIMEOUT_MS: envInt(5000, 100, 120_000),
      QUEUE_MAX_TRIES: envInt(3, 1, 10),
      QUEUE_RETRY_DELAY_MS: envInt(200, 1, 60_000),
    })
    .superRefine((v, ctx) => {
      if (!v.AZURE_STORAGE_CONNECTION_STRING && !v.STORAGE_TABLE_URL && !tableEndpointFromQueueUrl(v.STORAGE_QUEUE_URL)) {
        ctx.addIssue({
          code: 'custom',
          path: ['STORAGE_TABLE_URL'],
          message: 'is required (or set AZURE_STORAGE_CONNECTION_STRING, or an Azure STORAGE_QUEUE_URL it can be derived from)',
        });
      }
    }),
  (v) => ({
    connectionString: v.STORAGE_TABLE_URL ? undefined : v.AZURE_STORAGE_CONNECTION_STRING,
    tableEndpoint: v.STORAGE_TABLE_URL ? accountEndpoint(v.STORAGE_TABLE_URL) : v.AZURE_STORAGE_CONNECTION_STRING ? undefined : tableEndpointFromQueueUrl(v.STORAGE_QUEUE_URL),
    tableName: v.STORAGE_TABLE_URL ? (tableNameFromUrl(v.STORAGE_TABLE_URL) ?? v.CODE_TABLE_NAME) : v.CODE_TABLE_NAME,
    createIfMissing: v.CODE_TABLE_CREATE_IF_MISSING,
    requestTimeoutMs: v.QUEUE_REQUEST_TIMEOUT_MS,
    maxTries: v.QUEUE_MAX_TRIES,
    retryDelayMs: v.QUEUE_RETRY_DELAY_MS,
  }),
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
