import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { isRestError } from '@azure/core-rest-pipeline';
import { odata, type TableClient } from '@azure/data-tables';
import { createTableClient } from '../azure/storage-clients.js';
import { describeStorageFailure } from '../azure/storage-failure.js';
import {
  CodeTable,
  sameOwner,
  TABLE_CODE_PATTERN,
  type ActivationOutcome,
  type AttemptCount,
  type CodeIssuance,
  type CodeOwner,
  type ExpiryOutcome,
  type IssueOutcome,
} from './code-table.js';
import { CodeTableConfig } from './code-table.config.js';
import { CodeTableUnavailableError } from './code-table.errors.js';

/** One row per code string: PartitionKey = the code, RowKey = ROW_KEY. */
export const ROW_KEY = 'code';
/** Per owner: PartitionKey = `owner~<sha256 of issuer and subject>`, RowKey = OWNER_ROW_KEY. */
export const OWNER_ROW_KEY = 'outstanding';
/** Per caller: PartitionKey = `attempts~<sha256 of the key>`; RowKeys `failure~<at>~<uuid>` and `lock`. */

export type CodeState = 'valid' | 'used' | 'revoked';

/** The row's columns. Times are ISO-8601 UTC strings with milliseconds, so they compare exactly. */
export interface CodeRow {
  /** Identifies the issuance (getcode's timestamp); expiry and re-activation match on it. */
  issuedAt: string;
  expiresAt: string;
  state: CodeState;
  activatedAt: string;
  usedAt?: string;
  revokedAt?: string;
  /** A bound code's owner (never a name or e-mail: the IdP's opaque subject). */
  subject?: string;
  issuer?: string;
}

/** An owner's outstanding bound codes, oldest first (JSON in one column: one ETag guards the list). */
interface OwnerRow {
  outstanding: string;
}
interface Outstanding {
  code: string;
  issuedAt: string;
  expiresAt: string;
}

/** An attempts partition: one row per counted wrong guess (`at`), and the lock row once the budget is spent. */
interface AttemptEntries {
  failures: number[];
  lockedUntil?: number;
  rows: { rowKey: string; at?: number }[];
}
const FAILURE_PREFIX = 'failure~';
const LOCK_ROW_KEY = 'lock';

/** Keys of rows that are not codes; `~` never matches TABLE_CODE_PATTERN, so no code can collide. */
export function ownerPartition(owner: CodeOwner): string {
  return `owner~${createHash('sha256').update(`${owner.issuer ?? ''}\n${owner.subject}`).digest('hex')}`;
}
export function attemptsPartition(key: string): string {
  return `attempts~${createHash('sha256').update(key).digest('hex')}`;
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
    const row: CodeRow = {
      issuedAt: issuance.issuedAt.toISOString(),
      expiresAt: issuance.expiresAt.toISOString(),
      state: 'valid',
      activatedAt: now.toISOString(),
      ...(issuance.owner ? { subject: issuance.owner.subject, ...(issuance.owner.issuer ? { issuer: issuance.owner.issuer } : {}) } : {}),
    };
    return this.storage(async () => {
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
    const entry: Outstanding = { code: issuance.code, issuedAt: issuance.issuedAt.toISOString(), expiresAt: issuance.expiresAt.toISOString() };
    const dropped = await this.updateOwner(issuance.owner, (list) => {
      const live = list.filter((o) => Date.parse(o.expiresAt) > now.getTime() && !(o.code === entry.code && o.issuedAt === entry.issuedAt));
      live.push(entry);
      const excess = Math.max(0, live.length - maxOutstanding);
      return { keep: live.slice(excess), dropped: live.slice(0, excess) };
    });
    await this.revokeAll(dropped, now);
    return dropped.map((o) => ({ code: o.code, issuedAt: new Date(o.issuedAt), expiresAt: new Date(o.expiresAt), owner: issuance.owner }));
  }

  async revokeOwned(owner: CodeOwner, now: Date): Promise<number> {
    const dropped = await this.updateOwner(owner, (list) => ({ keep: [], dropped: list }));
    await this.revokeAll(dropped, now);
    return dropped.filter((o) => Date.parse(o.expiresAt) > now.getTime()).length;
  }

  async revoke(issuance: Pick<CodeIssuance, 'code' | 'issuedAt'>, now: Date): Promise<void> {
    if (!TABLE_CODE_PATTERN.test(issuance.code)) return;
    const issuedAt = issuance.issuedAt.toISOString();
    await this.storage(async () => {
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

  async attempts(key: string, now: Date): Promise<AttemptCount> {
    return this.storage(async () => countOf(await this.readAttempts(key), now));
  }

  /**
   * One row per wrong guess (inserts never conflict, so any number of replicas and concurrent
   * callers count exactly), then a count of the partition; reaching the budget writes the lock row.
   */
  async recordFailure(key: string, now: Date, windowMs: number, maxFailures: number): Promise<AttemptCount> {
    const partitionKey = attemptsPartition(key);
    return this.storage(async () => {
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
    await this.storage(async () => {
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

  async consume(code: string, now: Date, caller?: CodeOwner): Promise<boolean> {
    if (!TABLE_CODE_PATTERN.test(code)) return false;
    return this.storage(async () => {
      const existing = await this.read(code);
      if (!existing || !isLive(existing.row, now)) return false;
      const owner = ownerOfRow(existing.row);
      if (owner) {
        // Bound: only its owner, and only while it is one of the owner's outstanding codes.
        if (!caller || !sameOwner(owner, caller)) return false;
        const list = await this.readOwner(owner);
        if (!list?.outstanding.some((o) => o.code === code && o.issuedAt === existing.row.issuedAt)) return false;
      }
      try {
        await this.client.updateEntity(
          { partitionKey: code, rowKey: ROW_KEY, state: 'used' satisfies CodeState, usedAt: now.toISOString() },
          'Merge',
          { etag: existing.etag },
        );
      } catch (error) {
        // Someone else changed the row since we read it (a concurrent verify consumed it): not ours.
        if (hasStatus(error, 412, 404)) return false;
        throw error;
      }
      if (owner) {
        // Tidy only: a used row never verifies again, whatever the list says.
        const issuedAt = existing.row.issuedAt;
        await this.updateOwner(owner, (l) => ({ keep: l.filter((o) => !(o.code === code && o.issuedAt === issuedAt)), dropped: [] })).catch((error: unknown) =>
          this.logger.warn(`Could not drop a used code from its owner's list: ${describeStorageFailure(error)}`),
        );
      }
      return true;
    });
  }

  async isLive(code: string, now: Date): Promise<boolean> {
    if (!TABLE_CODE_PATTERN.test(code)) return false;
    return this.storage(async () => {
      const existing = await this.read(code);
      return existing !== undefined && isLive(existing.row, now) && ownerOfRow(existing.row) === undefined;
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

  /** Read-modify-write of an owner's list under its ETag; returns what `change` dropped. */
  private async updateOwner(owner: CodeOwner, change: (list: Outstanding[]) => { keep: Outstanding[]; dropped: Outstanding[] }): Promise<Outstanding[]> {
    const partitionKey = ownerPartition(owner);
    return this.storage(async () => {
      for (let race = 0; race < MAX_RACES * 4; race++) {
        const existing = await this.readOwnerEntity(partitionKey);
        const { keep, dropped } = change(existing?.outstanding ?? []);
        const entity = { partitionKey, rowKey: OWNER_ROW_KEY, outstanding: JSON.stringify(keep) } satisfies OwnerRow & Record<string, unknown>;
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

  private async readOwner(owner: CodeOwner): Promise<{ outstanding: Outstanding[]; etag: string } | undefined> {
    return this.readOwnerEntity(ownerPartition(owner));
  }

  private async readOwnerEntity(partitionKey: string): Promise<{ outstanding: Outstanding[]; etag: string } | undefined> {
    try {
      const entity = await this.client.getEntity<OwnerRow>(partitionKey, OWNER_ROW_KEY);
      return { outstanding: parseOutstanding(entity.outstanding), etag: entity.etag };
    } catch (error) {
      if (hasStatus(error, 404) && (error as { code?: string }).code !== 'TableNotFound') return undefined;
      throw error;
    }
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

function ownerOfRow(row: CodeRow): CodeOwner | undefined {
  if (typeof row.subject !== 'string' || !row.subject) return undefined;
  return { subject: row.subject, ...(typeof row.issuer === 'string' && row.issuer ? { issuer: row.issuer } : {}) };
}

function parseOutstanding(text: unknown): Outstanding[] {
  if (typeof text !== 'string') return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as Outstanding[]).filter((o) => typeof o?.code === 'string' && typeof o.issuedAt === 'string' && typeof o.expiresAt === 'string') : [];
  } catch {
    return [];
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

function hasStatus(error: unknown, ...statuses: number[]): boolean {
  return isRestError(error) && error.statusCode !== undefined && statuses.includes(error.statusCode);
}
