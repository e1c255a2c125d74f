import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { isRestError } from '@azure/core-rest-pipeline';
import type { TableClient } from '@azure/data-tables';
import { createTableClient } from '../azure/storage-clients.js';
import { describeStorageFailure } from '../azure/storage-failure.js';
import { CodeTable, TABLE_CODE_PATTERN, type ActivationOutcome, type CodeIssuance, type ExpiryOutcome } from './code-table.js';
import { CodeTableConfig } from './code-table.config.js';
import { CodeTableUnavailableError } from './code-table.errors.js';

/** One row per code string: PartitionKey = the code, RowKey = ROW_KEY. */
export const ROW_KEY = 'code';

export type CodeState = 'valid' | 'used';

/** The row's columns. Times are ISO-8601 UTC strings with milliseconds, so they compare exactly. */
export interface CodeRow {
  /** Identifies the issuance (getcode's timestamp); expiry and re-activation match on it. */
  issuedAt: string;
  expiresAt: string;
  state: CodeState;
  activatedAt: string;
  usedAt?: string;
}

/** Conflicting writers (another watcher, a concurrent verify) lose an ETag race at most this often. */
const MAX_RACES = 5;

/**
 * The valid-code table on Azure Table Storage (or Azurite's table endpoint). Consuming marks the
 * row `used` under an ETag condition instead of deleting it: the tombstone stays until the expiry
 * message deletes it, so a redelivered activation of an already used code cannot make it valid
 * again.
 */
@Injectable()
export class AzureTableCodeTable extends CodeTable implements OnModuleInit {
  private readonly logger = new Logger(AzureTableCodeTable.name);
  private readonly client: TableClient;

  constructor(private readonly config: CodeTableConfig) {
    super();
    this.client = createTableClient(config, config.tableName);
  }

  async onModuleInit(): Promise<void> {
    if (!this.config.createIfMissing) return;
    try {
      await this.client.createTable();
    } catch (error) {
      // Not fatal: operations fail with 503 (API) or are retried (watcher) until it exists.
      this.logger.error(`Could not create table "${this.config.tableName}": ${describeStorageFailure(error)}`);
    }
  }

  async activate(issuance: CodeIssuance, now: Date): Promise<ActivationOutcome> {
    const row: CodeRow = {
      issuedAt: issuance.issuedAt.toISOString(),
      expiresAt: issuance.expiresAt.toISOString(),
      state: 'valid',
      activatedAt: now.toISOString(),
    };
    return this.storage(async () => {
      for (let race = 0; race < MAX_RACES; race++) {
        try {
          await this.client.createEntity({ partitionKey: issuance.code, rowKey: ROW_KEY, ...row });
          return 'activated';
        } catch (error) {
          if (!hasStatus(error, 409)) throw error;
        }
        const existing = await this.read(issuance.code);
        if (!existing) continue; // expired or replaced meanwhile: try the insert again
        if (existing.row.issuedAt === row.issuedAt) return existing.row.state === 'used' ? 'already-used' : 'already-active';
        if (Date.parse(existing.row.issuedAt) > issuance.issuedAt.getTime()) return 'superseded';
        // An older issuance of the same code string: this one replaces it, unless someone wrote first.
        try {
          await this.client.updateEntity({ partitionKey: issuance.code, rowKey: ROW_KEY, ...row }, 'Replace', { etag: existing.etag });
          return 'activated';
        } catch (error) {
          if (!hasStatus(error, 412, 404)) throw error;
        }
      }
      throw new Error(`activation of ${issuance.code} lost ${MAX_RACES} races in a row`);
    });
  }

  async expire(issuance: CodeIssuance): Promise<ExpiryOutcome> {
    const issuedAt = issuance.issuedAt.toISOString();
    return this.storage(async () => {
      for (let race = 0; race < MAX_RACES; race++) {
        const existing = await this.read(issuance.code);
        if (!existing) return 'absent';
        if (existing.row.issuedAt !== issuedAt) return 'other-issuance';
        try {
          await this.client.deleteEntity(issuance.code, ROW_KEY, { etag: existing.etag });
          return 'deleted';
        } catch (error) {
          if (hasStatus(error, 404)) return 'absent';
          if (!hasStatus(error, 412)) throw error; // consumed meanwhile: read again, then delete
        }
      }
      throw new Error(`expiry of ${issuance.code} lost ${MAX_RACES} races in a row`);
    });
  }

  async consume(code: string, now: Date): Promise<boolean> {
    if (!TABLE_CODE_PATTERN.test(code)) return false;
    return this.storage(async () => {
      const existing = await this.read(code);
      if (!existing || !isLive(existing.row, now)) return false;
      try {
        await this.client.updateEntity(
          { partitionKey: code, rowKey: ROW_KEY, state: 'used' satisfies CodeState, usedAt: now.toISOString() },
          'Merge',
          { etag: existing.etag },
        );
        return true;
      } catch (error) {
        // Someone else changed the row since we read it (a concurrent verify consumed it): not ours.
        if (hasStatus(error, 412, 404)) return false;
        throw error;
      }
    });
  }

  async isLive(code: string, now: Date): Promise<boolean> {
    if (!TABLE_CODE_PATTERN.test(code)) return false;
    return this.storage(async () => {
      const existing = await this.read(code);
      return existing !== undefined && isLive(existing.row, now);
    });
  }

  async ping(): Promise<void> {
    await this.storage(async () => {
      // A point read of a key that never exists: 404 ResourceNotFound proves the table is there,
      // 404 TableNotFound does not.
      try {
        await this.client.getEntity('~ping', ROW_KEY);
      } catch (error) {
        if (hasStatus(error, 404) && (error as { code?: string }).code !== 'TableNotFound') return;
        throw error;
      }
    });
  }

  private async read(code: string): Promise<{ row: CodeRow; etag: string } | undefined> {
    try {
      const entity = await this.client.getEntity<CodeRow>(code, ROW_KEY);
      return { row: entity, etag: entity.etag };
    } catch (error) {
      if (hasStatus(error, 404) && (error as { code?: string }).code !== 'TableNotFound') return undefined;
      throw error;
    }
  }

  private async storage<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof CodeTableUnavailableError) throw error;
      throw new CodeTableUnavailableError(isRestError(error) ? describeStorageFailure(error) : (error as Error).message, { cause: error });
    }
  }
}

/** Valid, and its own expiresAt is still ahead: the table never trusts the watcher to be on time. */
export function isLive(row: Pick<CodeRow, 'state' | 'expiresAt'>, now: Date): boolean {
  return row.state === 'valid' && Date.parse(row.expiresAt) > now.getTime();
}

function hasStatus(error: unknown, ...statuses: number[]): boolean {
  return isRestError(error) && error.statusCode !== undefined && statuses.includes(error.statusCode);
}
