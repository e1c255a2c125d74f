import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { sessionDeadline, type VersionedSession } from './session-store.js';
import { SessionsConfig } from './sessions.config.js';

/**
 * This instance's copies of sessions it read (AUTH_SESSION_CACHE_MS, 0 = off), bounded by
 * AUTH_SESSION_CACHE_MAX_ENTRIES in least-recently-used order, never kept past a session's own
 * deadline. Logout on this instance forgets at once; another instance's back-channel logout
 * reaches this one within AUTH_SESSION_CACHE_MS.
 */
@Injectable()
export class SessionCache {
  private readonly entries = new Map<string, { entry: VersionedSession; until: number }>();

  constructor(
    private readonly config: SessionsConfig,
    private readonly clock: Clock,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached copy while it may be used, else undefined (and it is dropped). */
  get(id: string): VersionedSession | undefined {
    if (this.config.sessionCacheMs <= 0) return undefined;
    const hit = this.entries.get(id);
    if (!hit) return undefined;
    this.entries.delete(id);
    const now = this.clock.now();
    // A cached copy may hold an older idle deadline than the store (another instance moved it):
    // past it, the caller asks the store rather than refuse.
    if (hit.until <= now || sessionDeadline(hit.entry.session) <= now) return undefined;
    this.entries.set(id, hit);
    return hit.entry;
  }

  remember(entry: VersionedSession): void {
    if (this.config.sessionCacheMs <= 0) return;
    const id = entry.session.id;
    this.entries.delete(id);
    while (this.entries.size >= this.config.sessionCacheMaxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(id, { entry, until: Math.min(this.clock.now() + this.config.sessionCacheMs, sessionDeadline(entry.session)) });
  }

  forget(id: string): void {
    this.entries.delete(id);
  }

  /** Forgets the sessions of an IdP session (`sid`) or, without one, of a user (`sub`). */
  forgetWhere(match: { sid?: string; sub?: string }): void {
    for (const [id, { entry }] of this.entries) {
      if ((match.sid && entry.session.idpSid === match.sid) || (!match.sid && match.sub && entry.session.sub === match.sub)) this.entries.delete(id);
    }
  }
}
