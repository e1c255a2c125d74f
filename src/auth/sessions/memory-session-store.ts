import type { Clock } from '../../common/clock.js';
import { SessionStore, sessionDeadline, type StoredSession, type VersionedSession } from './session-store.js';

/** Shared values one memory store keeps at most. */
const MEMORY_VALUES_MAX = 10_000;

/** One process only (tests, a single local instance): sessions vanish on restart. */
export class MemorySessionStore extends SessionStore {
  readonly kind = 'memory';
  private readonly sessions = new Map<string, { session: StoredSession; version: number }>();
  private readonly claims = new Map<string, number>();
  private readonly values = new Map<string, { value: string; expiresAt: number }>();
  private nextVersion = 1;

  constructor(private readonly clock: Clock) {
    super();
  }

  async getVersioned(id: string): Promise<VersionedSession | undefined> {
    const row = this.live(id);
    return row && { session: structuredClone(row.session), version: String(row.version) };
  }
  async put(session: StoredSession): Promise<string> {
    const version = this.nextVersion++;
    this.sessions.set(session.id, { session: structuredClone(session), version });
    return String(version);
  }
  async replace(session: StoredSession, expectedVersion: string): Promise<string | undefined> {
    const row = this.live(session.id);
    if (!row || String(row.version) !== expectedVersion) return undefined;
    return this.put(session);
  }
  async delete(id: string): Promise<void> {
    this.sessions.delete(id);
  }
  async deleteWhere(match: { idpSid?: string; sub?: string }): Promise<number> {
    let n = 0;
    for (const [id, row] of this.sessions) {
      if (matches(row.session, match)) {
        this.sessions.delete(id);
        n++;
      }
    }
    return n;
  }
  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.clock.now();
    const until = this.claims.get(key);
    if (until !== undefined && until > now) return false;
    if (this.claims.size >= 10_000) for (const [k, u] of this.claims) if (u <= now) this.claims.delete(k);
    this.claims.set(key, now + ttlSeconds * 1000);
    return true;
  }

  override async sweepExpired(): Promise<number> {
    const now = this.clock.now();
    let n = 0;
    for (const [id, row] of this.sessions) if (sessionDeadline(row.session) <= now && this.sessions.delete(id)) n++;
    for (const [key, until] of this.claims) if (until <= now && this.claims.delete(key)) n++;
    return n;
  }

  async putValue(key: string, value: string, expiresAt: number): Promise<void> {
    const now = this.clock.now();
    if (this.values.size >= MEMORY_VALUES_MAX) for (const [k, v] of this.values) if (v.expiresAt <= now) this.values.delete(k);
    // Still full of live values: the oldest goes (a cache, so a lost value only costs a new one).
    while (this.values.size >= MEMORY_VALUES_MAX) this.values.delete(this.values.keys().next().value!);
    this.values.delete(key);
    this.values.set(key, { value, expiresAt });
  }
  async getValue(key: string): Promise<string | undefined> {
    const found = this.values.get(key);
    if (!found) return undefined;
    if (found.expiresAt > this.clock.now()) return found.value;
    this.values.delete(key);
    return undefined;
  }
  async deleteValue(key: string): Promise<void> {
    this.values.delete(key);
  }

  private live(id: string): { session: StoredSession; version: number } | undefined {
    const row = this.sessions.get(id);
    if (row && sessionDeadline(row.session) <= this.clock.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return row;
  }
}

export function matches(s: Pick<StoredSession, 'idpSid' | 'sub'>, match: { idpSid?: string; sub?: string }): boolean {
  if (match.idpSid) return s.idpSid === match.idpSid && (!match.sub || s.sub === match.sub);
  return !!match.sub && s.sub === match.sub;
}
