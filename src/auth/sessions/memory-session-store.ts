import type { Clock } from '../../common/clock.js';
import { SessionStore, sessionDeadline, type StoredSession, type VersionedSession } from './session-store.js';

/** One process only (tests, a single local instance): sessions vanish on restart. */
export class MemorySessionStore extends SessionStore {
  readonly kind = 'memory';
  private readonly sessions = new Map<string, { session: StoredSession; version: number }>();
  private readonly claims = new Map<string, number>();
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
