import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type { TableClient } from '@azure/data-tables';
import { createTableClient } from '../azure/storage-clients.js';
import { CodeTableConfig } from '../code-table/code-table.config.js';
import { hasStatus, onCodeTable } from '../code-table/table-storage.js';
import { attemptsPartition, BUDGET_ROW_KEY } from '../code-table/code-rows.js';
import { AttemptBudget, type Reservation } from './attempt-budget.js';


/** The budget row: attempts taken in the window, and when it ends (also its lifetime: `expiresAt`, which the sweep reads). */
interface BudgetRow {
  count: number;
  windowEndsAt: string;
  expiresAt: string;
}

/**
 * Concurrent reservations of one key lose an ETag race to each other; each round one of them
 * wins, so this bounds the concurrent attempts of one subject that are answered rather than 503.
 */
const MAX_RACES = 64;

/**
 * Attempt budgets in the code table's own table (partitions `attempts~…`, apart from code and
 * owner rows), on Azure Table Storage or Azurite: one row per key, changed only by conditional
 * writes (insert, or replace under the ETag just read). Two replicas that read the same count
 * cannot both write count + 1: one gets 412 and reads again, so reservations are exact under any
 * concurrency and the budget is never exceeded.
 */
@Injectable()
export class TableAttemptBudget extends AttemptBudget {
  private readonly client: TableClient;

  constructor(config: CodeTableConfig) {
    super();
    this.client = createTableClient(config, config.tableName);
  }

  async reserve(key: string, limit: number, windowMs: number, now: Date): Promise<Reservation> {
    const partitionKey = attemptsPartition(key);
    return onCodeTable(async () => {
      for (let race = 0; race < MAX_RACES; race++) {
        const current = await this.read(partitionKey);
        const live = current && Date.parse(current.row.windowEndsAt) > now.getTime() ? current : undefined;
        if (live && live.row.count >= limit) return { granted: false, windowEndsAt: new Date(live.row.windowEndsAt) };
        const windowEndsAt = live ? live.row.windowEndsAt : new Date(now.getTime() + windowMs).toISOString();
        const row: BudgetRow = { count: (live?.row.count ?? 0) + 1, windowEndsAt, expiresAt: windowEndsAt };
        try {
          if (current) await this.client.updateEntity({ partitionKey, rowKey: BUDGET_ROW_KEY, ...row }, 'Replace', { etag: current.etag });
          else await this.client.createEntity({ partitionKey, rowKey: BUDGET_ROW_KEY, ...row });
          return { granted: true, taken: row.count, windowEndsAt: new Date(windowEndsAt) };
        } catch (error) {
          if (!hasStatus(error, 409, 412, 404)) throw error;
          await backOff(race);
        }
      }
      throw new Error(`an attempt reservation lost ${MAX_RACES} races in a row`);
    });
  }

  async release(key: string, now: Date): Promise<void> {
    const partitionKey = attemptsPartition(key);
    await onCodeTable(async () => {
      for (let race = 0; race < MAX_RACES; race++) {
        const current = await this.read(partitionKey);
        if (!current || current.row.count <= 0 || Date.parse(current.row.windowEndsAt) <= now.getTime()) return;
        try {
          await this.client.updateEntity({ partitionKey, rowKey: BUDGET_ROW_KEY, ...current.row, count: current.row.count - 1 }, 'Replace', {
            etag: current.etag,
          });
          return;
        } catch (error) {
          if (hasStatus(error, 404)) return;
          if (!hasStatus(error, 412)) throw error;
          await backOff(race);
        }
      }
      throw new Error(`giving an attempt back lost ${MAX_RACES} races in a row`);
    });
  }

  private async read(partitionKey: string): Promise<{ row: BudgetRow; etag: string } | undefined> {
    try {
      const entity = await this.client.getEntity<BudgetRow>(partitionKey, BUDGET_ROW_KEY);
      return { row: { count: Number(entity.count) || 0, windowEndsAt: String(entity.windowEndsAt), expiresAt: String(entity.expiresAt) }, etag: entity.etag };
    } catch (error) {
      if (hasStatus(error, 404) && (error as { code?: string }).code !== 'TableNotFound') return undefined;
      throw error;
    }
  }
}

/** A short random pause after a lost race, growing with the races lost, so the losers do not collide again at once. */
function backOff(race: number): Promise<void> {
  return sleep(Math.random() * Math.min(50, 2 ** Math.min(race, 6)));
}
