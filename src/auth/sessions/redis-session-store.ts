import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../../common/clock.js';
import type { RedisConnection } from '../../redis/redis-connection.js';
import { RedisUnavailableError } from '../../redis/redis.errors.js';
import { SessionStore, sessionDeadline, type StoredSession, type VersionedSession } from './session-store.js';

/**
 * Writes a session (hash: v = version, d = JSON, sid, sub), expires it natively at its deadline
 * and indexes it by IdP session and subject for deleteWhere. With an expected version (ARGV[6])
 * it is a compare-and-swap that never creates a row: nil when the stored version differs or the
 * session is gone. Index sets live until the latest absolute expiry of their members.
 */
const WRITE = `
local key, sidIdx, subIdx = KEYS[1], KEYS[2], KEYS[3]
local version, json, deadline, id, expiresAt, expected, sid, sub = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
if expected ~= '' then
  local current = redis.call('HGET', key, 'v')
  if current ~= expected then return false end
end
redis.call('DEL', key)
redis.call('HSET', key, 'v', version, 'd', json, 'sid', sid, 'sub', sub)
redis.call('PEXPIREAT', key, deadline)
local function index(idx)
  redis.call('SADD', idx, id)
  local t = redis.call('PEXPIRETIME', idx)
  if t < 0 or t < tonumber(expiresAt) then redis.call('PEXPIREAT', idx, expiresAt) end
end
if sid ~= '' then index(sidIdx) end
index(subIdx)
return version
`;

/** Deletes one session and its index entries. */
const DELETE = `
local fields = redis.call('HMGET', KEYS[1], 'sid', 'sub')
redis.call('DEL', KEYS[1])
if fields[1] and fields[1] ~= '' then redis.call('SREM', ARGV[1] .. fields[1], ARGV[3]) end
if fields[2] then redis.call('SREM', ARGV[2] .. fields[2], ARGV[3]) end
return 1
`;

/**
 * deleteWhere: walks one index (KEYS[1]), deletes the members that still match (sid, and sub when
 * given), drops members that are gone. Returns how many sessions it ended.
 */
const DELETE_WHERE = `
local idx, sessionPrefix, sidPrefix, subPrefix, wantSid, wantSub = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', idx)) do
  local key = sessionPrefix .. id
  local fields = redis.call('HMGET', key, 'sid', 'sub')
  local sid, sub = fields[1], fields[2]
  if not sub then
    redis.call('SREM', idx, id)
  elseif (wantSid == '' or sid == wantSid) and (wantSub == '' or sub == wantSub) then
    redis.call('DEL', key)
    if sid and sid ~= '' then redis.call('SREM', sidPrefix .. sid, id) end
    redis.call('SREM', subPrefix .. sub, id)
    n = n + 1
  end
end
return n
`;

interface SessionCommands {
  iasSessionWrite(...args: string[]): Promise<string | null>;
  iasSessionDelete(...args: string[]): Promise<number>;
  iasSessionDeleteWhere(...args: string[]): Promise<number>;
}

/**
 * Sessions in Redis on the process' one connection (AUTH_SESSION_STORE=redis): one hash per
 * session, expired by Redis at its deadline (the earlier of absolute and idle end, rewritten on
 * every write), sets by `sid` and `sub` for back-channel logout, conditional replace and writes
 * as Lua scripts (atomic, one round trip), claimOnce as SET NX EX, shared values as SET PXAT.
 *
 * All session keys carry one hash tag, so the scripts' keys are in one slot on a clustered Redis
 * (Azure Managed Redis, any clustering policy); claim keys are single-key and spread freely.
 * Redis failures surface as RedisUnavailableError (503): a session cannot be checked without it.
 */
export class RedisSessionStore extends SessionStore {
  readonly kind = 'redis';
  private readonly sessionPrefix: string;
  private readonly sidPrefix: string;
  private readonly subPrefix: string;
  private readonly claimPrefix: string;
  private readonly valuePrefix: string;
  private defined?: Redis & SessionCommands;

  constructor(
    private readonly connection: RedisConnection,
    private readonly clock: Clock,
  ) {
    super();
    const tag = connection.key('{sessions}');
    this.sessionPrefix = `${tag}:s:`;
    this.sidPrefix = `${tag}:sid:`;
    this.subPrefix = `${tag}:sub:`;
    this.claimPrefix = connection.key('claim:');
    this.valuePrefix = connection.key('value:');
  }

  async getVersioned(id: string): Promise<VersionedSession | undefined> {
    const [version, json] = await this.call('read', (r) => r.hmget(this.sessionPrefix + id, 'v', 'd'));
    if (!version || !json) return undefined;
    const session = JSON.parse(json) as StoredSession;
    if (sessionDeadline(session) <= this.clock.now()) return undefined;
    return { session, version };
  }

  async put(session: StoredSession): Promise<string> {
    return (await this.write(session, ''))!;
  }

  replace(session: StoredSession, expectedVersion: string): Promise<string | undefined> {
    // '' is the "unconditional" marker in the script; no stored version is ever empty.
    if (!expectedVersion) return Promise.resolve(undefined);
    return this.write(session, expectedVersion);
  }

  async delete(id: string): Promise<void> {
    await this.call('delete', (r) => r.iasSessionDelete(this.sessionPrefix + id, this.sidPrefix, this.subPrefix, id));
  }

  async deleteWhere(match: { idpSid?: string; sub?: string }): Promise<number> {
    const index = match.idpSid ? this.sidPrefix + match.idpSid : match.sub ? this.subPrefix + match.sub : undefined;
    if (!index) return 0;
    return this.call('deleteWhere', (r) =>
      r.iasSessionDeleteWhere(index, this.sessionPrefix, this.sidPrefix, this.subPrefix, match.idpSid ?? '', match.sub ?? ''),
    );
  }

  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    // Hashed: keys are arbitrary strings (a jti); the hash bounds their length and charset.
    const hashed = createHash('sha256').update(key).digest('base64url');
    const ok = await this.call('claim', (r) => r.set(this.claimPrefix + hashed, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX'));
    return ok === 'OK';
  }

  async putValue(key: string, value: string, expiresAt: number): Promise<void> {
    if (expiresAt <= this.clock.now()) return;
    await this.call('value write', (r) => r.set(this.valueKey(key), value, 'PXAT', expiresAt));
  }

  async getValue(key: string): Promise<string | undefined> {
    return (await this.call('value read', (r) => r.get(this.valueKey(key)))) ?? undefined;
  }

  async deleteValue(key: string): Promise<void> {
    await this.call('value delete', (r) => r.del(this.valueKey(key)));
  }

  /** Hashed like claim keys; single-key commands, so values spread over a cluster's slots. */
  private valueKey(key: string): string {
    return this.valuePrefix + createHash('sha256').update(key).digest('base64url');
  }

  private async write(session: StoredSession, expected: string): Promise<string | undefined> {
    const version = randomUUID();
    const sid = session.idpSid ?? '';
    const result = await this.call('write', (r) =>
      r.iasSessionWrite(
        this.sessionPrefix + session.id,
        this.sidPrefix + sid,
        this.subPrefix + session.sub,
        version,
        JSON.stringify(session),
        String(sessionDeadline(session)),
        session.id,
        String(session.expiresAt),
        expected,
        sid,
        session.sub,
      ),
    );
    return result ?? undefined;
  }

  private async call<T>(what: string, run: (redis: Redis & SessionCommands) => Promise<T>): Promise<T> {
    try {
      // Through the connection's breaker: while Redis hangs, 503 at once instead of after the timeout.
      return await this.connection.command(() => run(this.commands()));
    } catch (error) {
      if (error instanceof RedisUnavailableError) throw error;
      throw new RedisUnavailableError(`session ${what} failed`, { cause: error });
    }
  }

  private commands(): Redis & SessionCommands {
    if (!this.defined) {
      const redis = this.connection.client;
      redis.defineCommand('iasSessionWrite', { numberOfKeys: 3, lua: WRITE });
      redis.defineCommand('iasSessionDelete', { numberOfKeys: 1, lua: DELETE });
      redis.defineCommand('iasSessionDeleteWhere', { numberOfKeys: 1, lua: DELETE_WHERE });
      this.defined = redis as Redis & SessionCommands;
    }
    return this.defined;
  }
}
