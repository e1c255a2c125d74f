import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { odata, type TableClient } from '@azure/data-tables';
import { createTableClient } from '../azure/storage-clients.js';
import { CodeTableConfig } from '../code-table/code-table.config.js';
import { hasStatus, onCodeTable } from '../code-table/table-storage.js';
import { AttemptBudget, type AttemptCount } from './attempt-budget.js';

/** Per caller: PartitionKey = `attempts~<sha256 of the key>`; RowKeys `failure~<at>~<uuid>` and `lock`. */
export function attemptsPartition(key: string): string {
  return `attempts~${createHash('sha256').update(key).digest('hex')}`;
}

/** An attempts partition: one row per counted wrong guess (`at`), and the lock row once the budget is spent. */
interface AttemptEntries {
  failures: number[];
  lockedUntil?: number;
  rows: { rowKey: string; at?: number }[];
}
const FAILURE_PREFIX = 'failure~';
const LOCK_ROW_KEY = 'lock';

/**
 * The attempt budget in the code table's own table (partitions `attempts~…`, apart from code and
 * owner rows), on Azure Table Storage or Azurite: one row per wrong guess, so every replica counts
 * the same.
 */
@Injectable()
export class TableAttemptBudget extends AttemptBudget {
  private readonly client: TableClient;

  constructor(config: CodeTableConfig) {
    super();
    this.client = createTableClient(config, config.tableName);
  }

  async attempts(key: string, now: Date): Promise<AttemptCount> {
    return onCodeTable(async () => countOf(await this.readAttempts(key), now));
  }

  /**
   * One row per wrong guess (inserts never conflict, so any number of replicas and concurrent
   * callers count exactly), then a count of the partition; reaching the budget writes the lock row.
   */
  async recordFailure(key: string, now: Date, windowMs: number, maxFailures: number): Promise<AttemptCount> {
    const partitionKey = attemptsPartition(key);
    return onCodeTable(async () => {
      await this.client.createEntity({ partitionKey, rowKey: `${FAILURE_PREFIX}${now.toISOString()}~${randomUUID()}`, at: now.toISOString() });
      const entries = await this.readAttempts(key);
      const live = entries.failures.filter((at) => at > now.getTime() - windowMs).sort((x, y) => x - y);
      const stale = entries.rows.filter((r) => r.at !== undefined && r.at <= now.getTime() - windowMs);
      await Promise.all(stale.map((r) => this.client.deleteEntity(partitionKey, r.rowKey).catch(() => undefined)));
      const windowEndsAt = new Date((live[0] ?? now.getTime()) + windowMs);
      if (live.length < maxFailures) return { failures: live.length, windowEndsAt };
      const lockedUntil = new Date(Math.max(windowEndsAt.getTime(), entries.lockedUntil ?? 0));
      await this.client.upsertEntity({ partitionKey, rowKey: LOCK_ROW_KEY, lockedUntil: lockedUntil.toISOString() }, 'Replace');
      return { failures: live.length, windowEndsAt, lockedUntil };
    });
  }

  async resetAttempts(key: string): Promise<void> {
    const partitionKey = attemptsPartition(key);
    await onCodeTable(async () => {
      const entries = await this.readAttempts(key);
      await Promise.all(
        entries.rows.map((r) =>
          this.client.deleteEntity(partitionKey, r.rowKey).catch((error: unknown) => {
            if (!hasStatus(error, 404)) throw error;
          }),
        ),
      );
    });
  }

  private async readAttempts(key: string): Promise<AttemptEntries> {
    const partitionKey = attemptsPartition(key);
    const out: AttemptEntries = { failures: [], rows: [] };
    const entities = this.client.listEntities<{ at?: string; lockedUntil?: string }>({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` } });
    for await (const entity of entities) {
      const at = entity.at ? Date.parse(entity.at) : undefined;
      out.rows.push({ rowKey: entity.rowKey!, at });
      if (entity.rowKey === LOCK_ROW_KEY && entity.lockedUntil) out.lockedUntil = Date.parse(entity.lockedUntil);
      else if (at !== undefined && Number.isFinite(at)) out.failures.push(at);
    }
    return out;
  }
}

/**
 * What the caller's partition says now: failures within the window that started with the oldest of
 * them still inside it (a code's life), and the lock while it lasts.
 */
function countOf(entries: AttemptEntries, now: Date, windowMs?: number): AttemptCount {
  const lockedUntil = entries.lockedUntil !== undefined && entries.lockedUntil > now.getTime() ? new Date(entries.lockedUntil) : undefined;
  const live = windowMs === undefined ? entries.failures : entries.failures.filter((at) => at > now.getTime() - windowMs);
  return { failures: live.length, ...(lockedUntil ? { lockedUntil } : {}) };
}
