import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { OidcClient, describeOidcError, type TokenSet } from '../oidc/oidc-client.js';
import { SessionCache } from './session-cache.js';
import { SessionStore, sessionDeadline, type StoredSession, type VersionedSession } from './session-store.js';
import { SessionsConfig } from './sessions.config.js';

/** How long one instance may hold a session's refresh lock before others may take it over. */
export const REFRESH_LOCK_MS = 15_000;
/** Pause between re-reads while another instance holds the refresh lock. */
const REFRESH_POLL_MS = 100;

/** What a refresh came to: the session to use, a session that must end (and why), or none left. */
export type RefreshOutcome = { session: StoredSession } | { end: string } | { gone: true };

/**
 * Refreshes a session's access token shortly before it expires, once per session across all
 * instances. The refresher takes a lock stored in the session itself by conditional replace
 * (compare-and-swap on the store's version), so when the IdP rotates refresh tokens no second
 * instance ever sends the old one (which would make the IdP revoke the whole grant). The others
 * wait for the lock to go and use the winner's tokens. Within one instance, concurrent requests of
 * a session share one refresh.
 */
@Injectable()
export class SessionRefresher {
  private readonly logger = new Logger('SessionRefresher');
  private readonly refreshing = new Map<string, Promise<RefreshOutcome>>();
  /** Identifies this instance's refresh locks. */
  private readonly owner = randomBytes(9).toString('base64url');

  constructor(
    private readonly config: SessionsConfig,
    private readonly store: SessionStore,
    private readonly cache: SessionCache,
    private readonly oidc: OidcClient,
    private readonly clock: Clock,
  ) {}

  /** Whether the session's access token is due for a refresh now. */
  isDue(session: StoredSession): boolean {
    return session.accessTokenExpiresAt - this.config.refreshBeforeSeconds * 1000 <= this.clock.now();
  }

  refresh(id: string): Promise<RefreshOutcome> {
    let pending = this.refreshing.get(id);
    if (!pending) {
      pending = this.refreshOnce(id).finally(() => this.refreshing.delete(id));
      this.refreshing.set(id, pending);
    }
    return pending;
  }

  private async refreshOnce(id: string): Promise<RefreshOutcome> {
    const giveUpAt = this.clock.now() + REFRESH_LOCK_MS * 2;
    for (;;) {
      const current = await this.store.getVersioned(id);
      const now = this.clock.now();
      if (!current || sessionDeadline(current.session) <= now) return this.gone(id);
      const s = current.session;
      // Someone (another instance) refreshed meanwhile: use its tokens.
      if (!this.isDue(s)) return this.remembered(current);
      if (!s.refreshToken) return s.accessTokenExpiresAt > now ? { session: s } : { end: 'access token expired and no refresh token' };
      // Bounded: a row that stays locked or contended this long is not refreshed by this request.
      if (now > giveUpAt) return s.accessTokenExpiresAt > now ? { session: s } : { gone: true };
      const lock = s.refreshLock;
      if (lock && lock.owner !== this.owner && lock.until > now) {
        await this.clock.sleep(REFRESH_POLL_MS);
        continue;
      }
      const locked = { ...s, refreshLock: { owner: this.owner, until: now + REFRESH_LOCK_MS } };
      const lockedVersion = await this.store.replace(locked, current.version);
      if (!lockedVersion) continue; // Another write came first: look again.
      return this.refreshHoldingLock({ session: locked, version: lockedVersion });
    }
  }

  private async refreshHoldingLock(held: VersionedSession): Promise<RefreshOutcome> {
    const s = held.session;
    let tokens: TokenSet;
    try {
      tokens = await this.oidc.refresh(s.refreshToken!);
    } catch (error) {
      return { end: `refresh failed: ${describeOidcError(error)}` };
    }
    const apply = (base: StoredSession): StoredSession => {
      const { refreshLock: _released, ...rest } = base;
      return {
        ...rest,
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken ?? base.refreshToken,
        idToken: tokens.idToken || base.idToken,
        accessTokenExpiresAt: tokens.expiresAt,
      };
    };
    // Store the new tokens and release the lock; if the row changed meanwhile (an idle touch),
    // apply them to the newer row: the IdP has already rotated, the old refresh token is spent.
    let current: VersionedSession | undefined = held;
    for (let attempt = 0; attempt < 5 && current; attempt++) {
      const updated = apply(current.session);
      const version = await this.store.replace(updated, current.version);
      if (version) return this.remembered({ session: updated, version });
      current = await this.store.getVersioned(s.id);
    }
    if (current) this.logger.warn('Refreshed tokens could not be stored (session row busy)');
    return this.gone(s.id);
  }

  private remembered(entry: VersionedSession): RefreshOutcome {
    this.cache.remember(entry);
    return { session: entry.session };
  }

  private gone(id: string): RefreshOutcome {
    this.cache.forget(id);
    return { gone: true };
  }
}
