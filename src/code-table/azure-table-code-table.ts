import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { odata, type TableClient } from '@azure/data-tables';
import { createTableClient } from '../azure/storage-clients.js';
import { describeStorageFailure, isTableNotFound } from '../azure/storage-failure.js';
import {
  CodeTable,
  sameOwner,
  TABLE_CODE_PATTERN,
  type ActivationOutcome,
  type CodeIssuance,
  type CodeOwner,
  type CodePurpose,
  type ConsumeOutcome,
  type ExpiryOutcome,
  type IssueOutcome,
} from './code-table.js';
import { CodeTableConfig } from './code-table.config.js';
import {
  BUDGET_ROW_KEY,
  CODE_PURPOSES,
  type CodeRow,
  type CodeState,
  isLive,
  issuedRow,
  type Outstanding,
  type OwnerRow,
  outstandingOf,
  ownerOfRow,
  ownerPartition,
  ownerRowKey,
  parseOutstanding,
  purposeOfRow,
  ROW_KEY,
} from './code-rows.js';
import { codeTableResource, hasStatus, onCodeTable } from './table-storage.js';

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
    // The queue message carries no owner: an activation never binds a code (a step-up row it makes
    // has no owner, so it never verifies).
    const row = issuedRow({ ...issuance, owner: undefined }, now);
    return this.onTable(async () => {
      for (let race = 0; race < MAX_RACES; race++) {
        try {
          await this.client.createEntity({ partitionKey: issuance.code, rowKey: ROW_KEY, ...row });
          return 'activated';
        } catch (error) {
          if (!hasStatus(error, 409)) throw error;
        }
        const existing = await this.read(issuance.code);
        if (!existing) continue; // expired or replaced meanwhile: try the insert again
        if (existing.row.issuedAt === row.issuedAt) return existing.row.state === 'valid' ? 'already-active' : 'already-used';
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

  async insertIssued(issuance: CodeIssuance, now: Date): Promise<IssueOutcome> {
    const row = issuedRow(issuance, now);
    return this.onTable(async () => {
      try {
        await this.client.createEntity({ partitionKey: issuance.code, rowKey: ROW_KEY, ...row });
        return 'stored';
      } catch (error) {
        if (hasStatus(error, 409)) return 'taken';
        throw error;
      }
    });
  }

  async commitOwned(issuance: CodeIssuance & { owner: CodeOwner }, maxOutstanding: number, now: Date): Promise<CodeIssuance[]> {
    const entry = outstandingOf(issuance);
    const dropped = await this.updateOwner(issuance.owner, issuance.purpose, (list) => {
      const live = list.filter((o) => Date.parse(o.expiresAt) > now.getTime() && !(o.code === entry.code && o.issuedAt === entry.issuedAt));
      live.push(entry);
      const excess = Math.max(0, live.length - maxOutstanding);
      return { keep: live.slice(excess), dropped: live.slice(0, excess) };
    });
    await this.revokeAll(dropped, now);
    return dropped.map((o) => ({ code: o.code, issuedAt: new Date(o.issuedAt), expiresAt: new Date(o.expiresAt), owner: issuance.owner }));
  }

  async revokeOwned(owner: CodeOwner, now: Date): Promise<number> {
    const dropped = (await Promise.all(CODE_PURPOSES.map((purpose) => this.updateOwner(owner, purpose, (list) => ({ keep: [], dropped: list }))))).flat();
    await this.revokeAll(dropped, now);
    return dropped.filter((o) => Date.parse(o.expiresAt) > now.getTime()).length;
  }

  async revoke(issuance: Pick<CodeIssuance, 'code' | 'issuedAt'>, now: Date): Promise<void> {
    if (!TABLE_CODE_PATTERN.test(issuance.code)) return;
    const issuedAt = issuance.issuedAt.toISOString();
    await this.onTable(async () => {
      for (let race = 0; race < MAX_RACES; race++) {
        const existing = await this.read(issuance.code);
        if (!existing || existing.row.issuedAt !== issuedAt || existing.row.state !== 'valid') return;
        try {
          await this.client.updateEntity(
            { partitionKey: issuance.code, rowKey: ROW_KEY, state: 'revoked' satisfies CodeState, revokedAt: now.toISOString() },
            'Merge',
            { etag: existing.etag },
          );
          return;
        } catch (error) {
          if (hasStatus(error, 404)) return;
          if (!hasStatus(error, 412)) throw error;
        }
      }
      throw new Error(`revocation of ${issuance.code} lost ${MAX_RACES} races in a row`);
    });
  }

  async expire(issuance: CodeIssuance): Promise<ExpiryOutcome> {
    const issuedAt = issuance.issuedAt.toISOString();
    return this.onTable(async () => {
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

  async consume(code: string, now: Date, caller?: CodeOwner, purpose: CodePurpose = 'public'): Promise<ConsumeOutcome> {
    if (!TABLE_CODE_PATTERN.test(code)) return 'no-match';
    return this.onTable(async () => {
      const existing = await this.read(code);
      // A code of another purpose is a wrong guess here (getcode's never satisfies step-up, nor the reverse).
      if (!existing || purposeOfRow(existing.row) !== purpose) return 'no-match';
      const owner = ownerOfRow(existing.row);
      // A step-up code is never unbound: one without an owner (a watcher-made row) verifies for nobody.
      if (purpose === 'step-up' && !owner) return 'no-match';
      const callersOwn = owner !== undefined && caller !== undefined && sameOwner(owner, caller);
      // A bound code verifies only for its owner; anyone else's check is a wrong guess.
      if (owner && !callersOwn) return 'no-match';
      if (!isLive(existing.row, now)) return callersOwn ? 'own-spent' : 'no-match';
      if (owner) {
        // ...and only while it is one of the owner's outstanding codes (a replaced one is spent).
        const list = await this.readOwner(owner, purpose);
        if (!list?.outstanding.some((o) => o.code === code && o.issuedAt === existing.row.issuedAt)) return 'own-spent';
      }
      try {
        await this.client.updateEntity(
          { partitionKey: code, rowKey: ROW_KEY, state: 'used' satisfies CodeState, usedAt: now.toISOString() },
          'Merge',
          { etag: existing.etag },
        );
      } catch (error) {
        // Someone else changed the row since we read it (a concurrent verify consumed it): not ours.
        if (hasStatus(error, 412, 404)) return callersOwn ? 'own-spent' : 'no-match';
        throw error;
      }
      if (owner) {
        // Tidy only: a used row never verifies again, whatever the list says.
        const issuedAt = existing.row.issuedAt;
        await this.updateOwner(owner, purpose, (l) => ({ keep: l.filter((o) => !(o.code === code && o.issuedAt === issuedAt)), dropped: [] })).catch((error: unknown) =>
          this.logger.warn(`Could not drop a used code from its owner's list: ${describeStorageFailure(error)}`),
        );
      }
      return 'consumed';
    });
  }

  async outstanding(owner: CodeOwner, now: Date, purpose: CodePurpose = 'public'): Promise<CodeIssuance[]> {
    return this.onTable(async () => {
      const list = await this.readOwner(owner, purpose);
      return (list?.outstanding ?? [])
        .filter((o) => Date.parse(o.expiresAt) > now.getTime())
        .map((o) => ({ code: o.code, issuedAt: new Date(o.issuedAt), expiresAt: new Date(o.expiresAt), owner, purpose }));
    });
  }

  async isLive(code: string, now: Date): Promise<boolean> {
    if (!TABLE_CODE_PATTERN.test(code)) return false;
    return this.onTable(async () => {
      const existing = await this.read(code);
      return existing !== undefined && isLive(existing.row, now) && ownerOfRow(existing.row) === undefined;
    });
  }

  async sweepExpired(before: Date): Promise<number> {
    const cutoff = before.toISOString();
    return this.onTable(async () => {
      let n = 0;
      const remove = async (row: { partitionKey?: string; rowKey?: string; etag: string }) => {
        try {
          await this.client.deleteEntity(row.partitionKey!, row.rowKey!, { etag: row.etag });
          n++;
        } catch (error) {
          if (!hasStatus(error, 404, 412)) throw error; // gone, or changed since read (renewed): leave it
        }
      };
      // Codes and attempt budgets carry their end as `expiresAt` (ISO-8601 UTC, so strings compare as times).
      for await (const row of this.client.listEntities({ queryOptions: { filter: odata`expiresAt lt ${cutoff}`, select: ['PartitionKey', 'RowKey'] } })) {
        await remove(row);
      }
      // An owner's list lives as long as its latest code.
      for await (const row of this.client.listEntities<OwnerRow>({ queryOptions: { filter: odata`PartitionKey ge 'owner~' and PartitionKey lt 'owner~~'` } })) {
        if (parseOutstanding(row.outstanding).every((o) => o.expiresAt < cutoff)) await remove(row);
      }
      // The per-guess rows of the budget this one replaced (RowKey failure~… and lock).
      for await (const row of this.client.listEntities({
        queryOptions: { filter: odata`PartitionKey ge 'attempts~' and PartitionKey lt 'attempts~~' and RowKey ne ${BUDGET_ROW_KEY}`, select: ['PartitionKey', 'RowKey'] },
      })) {
        await remove(row);
      }
      return n;
    });
  }

  async ping(): Promise<void> {
    await this.onTable(async () => {
      // A point read of a key that never exists: 404 ResourceNotFound proves the table is there,
      // 404 TableNotFound does not.
      try {
        await this.client.getEntity('~ping', ROW_KEY);
      } catch (error) {
        if (hasStatus(error, 404) && !isTableNotFound(error)) return;
        throw error;
      }
    });
  }

  /** Work on the table; a failure's log line names the table, and a missing one or a missing role with its fix. */
  private onTable<T>(work: () => Promise<T>): Promise<T> {
    return onCodeTable(work, codeTableResource(this.config.tableName));
  }

  /** Read-modify-write of an owner's list of one purpose under its ETag; returns what `change` dropped. */
  private async updateOwner(
    owner: CodeOwner,
    purpose: CodePurpose | undefined,
    change: (list: Outstanding[]) => { keep: Outstanding[]; dropped: Outstanding[] },
  ): Promise<Outstanding[]> {
    const partitionKey = ownerPartition(owner);
    const rowKey = ownerRowKey(purpose);
    return this.onTable(async () => {
      for (let race = 0; race < MAX_RACES * 4; race++) {
        const existing = await this.readOwnerEntity(partitionKey, rowKey);
        const { keep, dropped } = change(existing?.outstanding ?? []);
        const entity = { partitionKey, rowKey, outstanding: JSON.stringify(keep) } satisfies OwnerRow & Record<string, unknown>;
        try {
          if (existing) await this.client.updateEntity(entity, 'Replace', { etag: existing.etag });
          else if (keep.length) await this.client.createEntity(entity);
          return dropped;
        } catch (error) {
          if (!hasStatus(error, 409, 412, 404)) throw error; // another getcode or verify of the owner wrote first: again
        }
      }
      throw new Error(`updating an owner's codes lost ${MAX_RACES * 4} races in a row`);
    });
  }

  private async revokeAll(list: Outstanding[], now: Date): Promise<void> {
    // The list is the commit point, so a row left valid here can no longer verify; revoking it is tidiness.
    await Promise.all(
      list.map((o) =>
        this.revoke({ code: o.code, issuedAt: new Date(o.issuedAt) }, now).catch((error: unknown) =>
          this.logger.warn(`Could not mark a replaced code revoked: ${describeStorageFailure(error)}`),
        ),
      ),
    );
  }

  private async readOwner(owner: CodeOwner, purpose: CodePurpose): Promise<{ outstanding: Outstanding[]; etag: string } | undefined> {
    return this.readOwnerEntity(ownerPartition(owner), ownerRowKey(purpose));
  }

  private async readOwnerEntity(partitionKey: string, rowKey: string): Promise<{ outstanding: Outstanding[]; etag: string } | undefined> {
    try {
      const entity = await this.client.getEntity<OwnerRow>(partitionKey, rowKey);
      return { outstanding: parseOutstanding(entity.outstanding), etag: entity.etag };
    } catch (error) {
      if (hasStatus(error, 404) && !isTableNotFound(error)) return undefined;
      throw error;
    }
  }

  private async read(code: string): Promise<{ row: CodeRow; etag: string } | undefined> {
    try {
      const entity = await this.client.getEntity<CodeRow>(code, ROW_KEY);
      return { row: entity, etag: entity.etag };
    } catch (error) {
      if (hasStatus(error, 404) && !isTableNotFound(error)) return undefined;
      throw error;
    }
  }
}

