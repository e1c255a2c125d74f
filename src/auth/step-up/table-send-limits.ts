import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { odata, type TableClient } from '@azure/data-tables';
import { createTableClient } from '../../azure/storage-clients.js';
import { CodeTableConfig } from '../../code-table/code-table.config.js';
import { onCodeTable } from '../../code-table/table-storage.js';
import { judge, SendLimits, type SendAllowance, type SendRules } from './send-limits.js';

/** Per user and destination: PartitionKey `sends~<sha256 of the key>`, one row per send `send~<at>~<uuid>`. */
export function sendsPartition(key: string): string {
  return `sends~${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * The send limits in the code table's own table (partitions `sends~…`, apart from code, owner and
 * attempt rows; `~` never appears in a code): insert my reservation, then read the partition and
 * judge it. Inserts never conflict, so every replica counts every send; a refused reservation is
 * deleted again, so refusals spend nothing.
 */
@Injectable()
export class TableSendLimits extends SendLimits {
  private readonly client: TableClient;

  constructor(config: CodeTableConfig) {
    super();
    this.client = createTableClient(config, config.tableName);
  }

  async reserve(key: string, now: Date, rules: SendRules): Promise<SendAllowance> {
    const partitionKey = sendsPartition(key);
    const rowKey = `send~${now.toISOString()}~${randomUUID()}`;
    return onCodeTable(async () => {
      await this.client.createEntity({ partitionKey, rowKey, at: now.toISOString() });
      const rows: Array<{ id: string; at: number }> = [];
      for await (const entity of this.client.listEntities<{ at?: string }>({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` } })) {
        const at = Date.parse(entity.at ?? '');
        if (Number.isFinite(at)) rows.push({ id: entity.rowKey!, at });
      }
      const verdict = judge(rows, rowKey, now.getTime(), rules);
      const stale = rows.filter((r) => r.at <= now.getTime() - rules.windowMs).map((r) => r.id);
      const forget = verdict.allowed ? stale : [...stale, rowKey];
      await Promise.all(forget.map((id) => this.client.deleteEntity(partitionKey, id).catch(() => undefined)));
      return verdict;
    });
  }
}
