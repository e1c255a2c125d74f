import { z } from 'zod';
import { defineConfigSection, envBoolean } from '../config/config-section.js';
import { storageAccountConfigSection } from '../azure/storage-account.config.js';

export const QUEUE_MESSAGE_ENCODINGS = ['plain', 'base64'] as const;
export type QueueMessageEncoding = (typeof QUEUE_MESSAGE_ENCODINGS)[number];

/**
 * The code queue on the app's storage account (StorageAccountConfig resolves the connection: a
 * connection string for Azurite or an account key, or STORAGE_QUEUE_URL with the shared Azure
 * credential).
 */
export class QueueConfig {
  readonly connectionString?: string;
  /** Full queue URL for credential-based access (the sample's STORAGE_QUEUE_URL). */
  readonly queueUrl?: string;
  readonly queueName!: string;
  readonly encoding!: QueueMessageEncoding;
  readonly createIfMissing!: boolean;
  readonly requestTimeoutMs!: number;
  readonly maxTries!: number;
  readonly retryDelayMs!: number;
}

export const queueConfigSection = defineConfigSection(
  'queue',
  QueueConfig,
  z.object({
    STORAGE_QUEUE_NAME: z
      .string()
      .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'must be a valid queue name (3-63 lower-case letters, digits, dashes)')
      .default('code-requests'),
    QUEUE_MESSAGE_ENCODING: z.enum(QUEUE_MESSAGE_ENCODINGS).default('plain'),
    QUEUE_CREATE_IF_MISSING: envBoolean(false),
  }),
  (v, _env, config) => {
    const { connectionString, queueUrl, requestTimeoutMs, maxTries, retryDelayMs } = config.get(storageAccountConfigSection);
    return {
      connectionString,
      queueUrl,
      queueName: queueUrl ? queueNameFromUrl(queueUrl) : v.STORAGE_QUEUE_NAME,
      encoding: v.QUEUE_MESSAGE_ENCODING,
      createIfMissing: v.QUEUE_CREATE_IF_MISSING,
      requestTimeoutMs,
      maxTries,
      retryDelayMs,
    };
  },
  {
    reads: [storageAccountConfigSection],
    checks: [
      (queue) => {
        if (!queue.connectionString && !queue.queueUrl) return ['STORAGE_QUEUE_URL: is required (or set AZURE_STORAGE_CONNECTION_STRING, e.g. for Azurite)'];
        if (queue.connectionString && queue.queueUrl) return ['STORAGE_QUEUE_URL: set either STORAGE_QUEUE_URL (managed identity) or AZURE_STORAGE_CONNECTION_STRING, not both'];
        return [];
      },
    ],
  },
);

/** `https://acct.queue.core.windows.net/code-requests` → `code-requests` (Azurite URLs carry the account first). */
export function queueNameFromUrl(url: string): string {
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  return segments[segments.length - 1] ?? '';
}
