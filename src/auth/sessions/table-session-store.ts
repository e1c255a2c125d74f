import { createHash } from 'node:crypto';
import { RestError, type TableClient, odata } from '@azure/data-tables';
import { createTableClient } from '../../azure/storage-clients.js';
import type { Clock } from '../../common/clock.js';
import { Logger } from '@nestjs/common';
import { SessionStore, sessionDeadline, type StoredSession, type VersionedSession } from './session-store.js';
import { SessionStoreUnavailableError } from '../auth.errors.js';

const PARTITION = 'session';
/** `claimOnce` keys live in their own partition of the same table, never matched by session queries. */
const CLAIMS = 'claim';
/** Shared values (`putValue`) live in a partition of their own too. */
const VALUES = 'value';
/** Table Storage caps a string property at 64 KiB; Entra tokens fit, split anyway to be safe. */
const CHUNK = 30_000;

interface SessionEntity {
  partitionKey: string;
  rowKey: string;
  sub: string;
  idpSid: string;
  expiresAt: number;
  /** Rolling idle deadline (epoch ms); 0 on rows written before idle timeouts existed. */
  idleExpiresAt: number;
  chunks: number;
  [chunk: `data${number}`]: string;
}

/**
 * Sessions in Azure Table Storage on the app's own storage account (Azurite locally): every
 * instance reads the same rows, so a session made on one is valid on all, and deleting the rows
 * (logout, back-channel logout) ends it everywhere at once — there is no per-instance cache to
 * invalidate. Rows carry `sub` and `idpSid` as columns for back-channel lookups. A row's ETag is
 * its version: `replace` is a conditional update (If-Match), so two instances never overwrite each
 * other's writes. `claimOnce` inserts a row keyed by a hash of the key: the insert that conflicts
 * (409) is the replay.
 */
export class TableSessionStore extends SessionStore {
  readonly kind = 'table';
  private readonly logger = new Logger(TableSessionStore.name);
  private ready?: Promise<void>;

  constructor(
    private readonly table: TableClient,
    private readonly clock: Clock,
  ) {
    super();
  }

  static fromConfig(options: { connectionString?: string; tableUrl?: string; table: string }, clock: Clock): TableSessionStore {
    const retry = { maxTries: 3, retryDelayMs: 100 };
    return new TableSessionStore(
      createTableClient({ connectionString: options.connectionString, tableEndpoint: options.tableUrl, ...retry }, options.table, {
        retryOptions: { maxRetries: 2, retryDelayInMs: 100, maxRetryDelayInMs: 1000 },
      }),
      clock,
    );
  }

  private ensureTable(): Promise<void> {
    this.ready ??= this.table.createTable().catch((error: unknown) => {
      this.ready = undefined;
      throw this.unavailable('create table', error);
    });
    return this.ready;
  }

  async getVersioned(id: string): Promise<VersionedSession | undefined> {
    await this.ensureTable();
    let entity: SessionEntity & { etag: string };
    try {
      entity = await this.table.getEntity<SessionEntity>(PARTITION, id);
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw this.unavailable('read', error);
    }
    if (sessionDeadline({ expiresAt: entity.expiresAt, idleExpiresAt: entity.idleExpiresAt || undefined }) <= this.clock.now()) {
      await this.delete(id);
      return undefined;
    }
    let json = '';
    for (let i = 0; i < entity.chunks; i++) json += entity[`data${i}`] ?? '';
    const session = JSON.parse(json) as StoredSession;
    // The column is authoritative for the deadline the row is checked against.
    if (entity.idleExpiresAt) session.idleExpiresAt = entity.idleExpiresAt;
    return { session, version: entity.etag };
  }

  async put(session: StoredSession): Promise<string> {
    await this.ensureTable();
    try {
      return (await this.table.upsertEntity(toEntity(session), 'Replace')).etag!;
    } catch (error) {
      throw this.unavailable('write', error);
    }
  }

  async replace(session: StoredSession, expectedVersion: string): Promise<string | undefined> {
    await this.ensureTable();
    try {
      return (await this.table.updateEntity(toEntity(session), 'Replace', { etag: expectedVersion })).etag!;
    } catch (error) {
      // 412: another write came first; 404: the session was deleted meanwhile.
      if (error instanceof RestError && (error.statusCode === 412 || error.statusCode === 404)) return undefined;
      throw this.unavailable('write', error);
    }
  }

  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    await this.ensureTable();
    const rowKey = hashKey(key);
    const expiresAt = this.clock.now() + ttlSeconds * 1000;
    try {
      await this.table.createEntity({ partitionKey: CLAIMS, rowKey, expiresAt });
      return true;
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 409)) throw this.unavailable('claim', error);
    }
    // Taken: still a replay unless that claim has lapsed; then take it over, conditionally.
    try {
      const existing = await this.table.getEntity<{ expiresAt: number }>(CLAIMS, rowKey);
      if (existing.expiresAt > this.clock.now()) return false;
      await this.table.updateEntity({ partitionKey: CLAIMS, rowKey, expiresAt }, 'Replace', { etag: existing.etag });
      return true;
    } catch (error) {
      if (error instanceof RestError && (error.statusCode === 412 || error.statusCode === 404)) return false;
      throw this.unavailable('claim', error);
    }
  }

  async putValue(key: string, value: string, expiresAt: number): Promise<void> {
    await this.ensureTable();
    try {
      await this.table.upsertEntity({ partitionKey: VALUES, rowKey: hashKey(key), value, expiresAt }, 'Replace');
    } catch (error) {
      throw this.unavailable('value write', error);
    }
  }

  /** An expired value is deleted when it is read (Table Storage has no expiry of its own). */
  async getValue(key: string): Promise<string | undefined> {
    await this.ensureTable();
    let entity: { value?: string; expiresAt?: number };
    try {
      entity = await this.table.getEntity<{ value: string; expiresAt: number }>(VALUES, hashKey(key));
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw this.unavailable('value read', error);
    }
    if (typeof entity.value === 'string' && typeof entity.expiresAt === 'number' && entity.expiresAt > this.clock.now()) return entity.value;
    await this.deleteValue(key);
    return undefined;
  }

  async deleteValue(key: string): Promise<void> {
    await this.ensureTable();
    try {
      await this.table.deleteEntity(VALUES, hashKey(key));
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return;
      throw this.unavailable('value delete', error);
    }
  }

  async delete(id: string): Promise<void> {
    await this.ensureTable();
    try {
      await this.table.deleteEntity(PARTITION, id);
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return;
      throw this.unavailable('delete', error);
    }
  }

  async deleteWhere(match: { idpSid?: string; sub?: string }): Promise<number> {
    if (!match.idpSid && !match.sub) return 0;
    await this.ensureTable();
    const filter = match.idpSid
      ? match.sub
        ? odata`PartitionKey eq ${PARTITION} and idpSid eq ${match.idpSid} and sub eq ${match.sub}`
        : odata`PartitionKey eq ${PARTITION} and idpSid eq ${match.idpSid}`
      : odata`PartitionKey eq ${PARTITION} and sub eq ${match.sub!}`;
    let n = 0;
    try {
      for await (const row of this.table.listEntities<{ rowKey: string }>({ queryOptions: { filter, select: ['RowKey'] } })) {
        await this.delete(row.rowKey);
        n++;
      }
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError) throw error;
      throw this.unavailable('query', error);
    }
    return n;
  }

  /**
   * Table Storage has no TTL: claims past `expiresAt` and sessions past their deadline (absolute or
   * idle) are deleted here, each under the ETag it was read with (a session renewed meanwhile stays).
   */
  override async sweepExpired(): Promise<number> {
    await this.ensureTable();
    const now = this.clock.now();
    const ended = [
      odata`PartitionKey eq ${CLAIMS} and expiresAt lt ${now}`,
      odata`PartitionKey eq ${PARTITION} and (expiresAt lt ${now} or (idleExpiresAt gt 0 and idleExpiresAt lt ${now}))`,
    ];
    let n = 0;
    try {
      for (const filter of ended) {
        for await (const row of this.table.listEntities({ queryOptions: { filter, select: ['PartitionKey', 'RowKey'] } })) {
          try {
            await this.table.deleteEntity(row.partitionKey!, row.rowKey!, { etag: row.etag });
            n++;
          } catch (error) {
            if (!(error instanceof RestError && (error.statusCode === 404 || error.statusCode === 412))) throw error;
          }
        }
      }
    } catch (error) {
      throw this.unavailable('sweep', error);
    }
    return n;
  }

  private unavailable(action: string, error: unknown): SessionStoreUnavailableError {
    const reason = `session table ${action} failed: ${error instanceof RestError ? `${error.statusCode ?? error.code}` : (error as Error).message}`;
    this.logger.warn(reason);
    return new SessionStoreUnavailableError(reason, { cause: error });
  }
}

/** Row keys for arbitrary keys: a digest bounds their length and keeps out the characters Table keys forbid. */
function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

function toEntity(session: StoredSession): SessionEntity {
  const json = JSON.stringify(session);
  const entity: SessionEntity = {
    partitionKey: PARTITION,
    rowKey: session.id,
    sub: session.sub,
    idpSid: session.idpSid ?? '',
    expiresAt: session.expiresAt,
    idleExpiresAt: session.idleExpiresAt ?? 0,
    chunks: Math.ceil(json.length / CHUNK),
  };
  for (let i = 0; i * CHUNK < json.length; i++) entity[`data${i}`] = json.slice(i * CHUNK, (i + 1) * CHUNK);
  return entity;
}
