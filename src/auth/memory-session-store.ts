import { SessionStore, type StoredSession } from './session-store.js';

/** One process only (tests, a single local instance): sessions vanish on restart. */
export class MemorySessionStore extends SessionStore {
  readonly kind = 'memory';
  private readonly sessions = new Map<string, StoredSession>();

  async get(id: string): Promise<StoredSession | undefined> {
    const s = this.sessions.get(id);
    if (s && s.expiresAt <= Date.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return s && structuredClone(s);
  }
  async put(session: StoredSession): Promise<void> {
    this.sessions.set(session.id, structuredClone(session));
  }
  async delete(id: string): Promise<void> {
    this.sessions.delete(id);
  }
  async deleteWhere(match: { idpSid?: string; sub?: string }): Promise<number> {
    let n = 0;
    for (const [id, s] of this.sessions) {
      if (matches(s, match)) {
        this.sessions.delete(id);
        n++;
      }
    }
    return n;
  }
}

export function matches(s: Pick<StoredSession, 'idpSid' | 'sub'>, match: { idpSid?: string; sub?: string }): boolean {
  if (match.idpSid) return s.idpSid === match.idpSid && (!match.sub || s.sub === match.sub);
  return !!match.sub && s.sub === match.sub;
}
