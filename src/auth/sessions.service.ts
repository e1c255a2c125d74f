import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { AuthConfig } from './auth.config.js';
import { CookieSealer } from './cookie-sealer.js';
import { OidcClient, describeOidcError, type TokenSet } from './oidc-client.js';
import { SessionStore, sessionDeadline, type StoredSession, type VersionedSession } from './session-store.js';
import { RoleMapper } from './role-mapper.js';
import { SecretsService } from '../secrets/secrets.service.js';

export interface SessionCookie {
  /** Session id. */
  s: string;
}

export interface LoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  exp: number;
}

/** How long one instance may hold a session's refresh lock before others may take it over. */
export const REFRESH_LOCK_MS = 15_000;
/** Pause between re-reads while another instance holds the refresh lock. */
const REFRESH_POLL_MS = 100;
/** Session cookie values remembered as opened per instance (CookieSealer): one per signed-in browser. */
const OPENED_SESSION_COOKIES = 10_000;

/**
 * Browser sessions: the cookie carries only an encrypted, integrity-protected session id (well
 * under 4 KB whatever the IdP's token sizes); tokens live in the shared SessionStore.
 *
 * Lifetime: a session ends at the earlier of its absolute deadline (AUTH_SESSION_TTL_SECONDS after
 * login, never extended) and its idle deadline (AUTH_SESSION_IDLE_SECONDS after the last use,
 * rolling). The idle deadline is stored with the session, so it holds on every instance; it is
 * rewritten at most every min(idle/10, 60 s), not on every request.
 *
 * Refresh: access tokens are refreshed shortly before expiry, once per session across all
 * instances. The refresher takes a lock stored in the session itself by conditional replace
 * (compare-and-swap on the store's version), so when the IdP rotates refresh tokens no second
 * instance ever sends the old one (which would make the IdP revoke the whole grant). The others
 * wait for the lock to go and use the winner's tokens. A refresh the IdP refuses ends the session.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);
  private sealersPromise?: Promise<{ session: CookieSealer; transaction: CookieSealer }>;
  private readonly refreshing = new Map<string, Promise<StoredSession | undefined>>();
  /** Per-instance cache (AUTH_SESSION_CACHE_MS), bounded, in least-recently-used order. */
  private readonly cache = new Map<string, { entry: VersionedSession; until: number }>();
  /** Identifies this instance's refresh locks. */
  private readonly owner = randomBytes(9).toString('base64url');
  /** Refresh grants made, for tests and benchmarks. */
  refreshCount = 0;
  /** The clock (tests control it). */
  now: () => number = Date.now;
  /** How the service waits between re-reads (tests replace it). */
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  constructor(
    private readonly config: AuthConfig,
    private readonly store: SessionStore,
    private readonly oidc: OidcClient,
    private readonly roles: RoleMapper,
    private readonly secrets: SecretsService,
  ) {}

  private sealers(): Promise<{ session: CookieSealer; transaction: CookieSealer }> {
    this.sealersPromise ??= this.secrets.get(this.config.sessionSecretName).then(
      (secret) => ({ session: new CookieSealer(secret, 'session', OPENED_SESSION_COOKIES), transaction: new CookieSealer(secret, 'login-transaction') }),
      (error: unknown) => {
        this.sealersPromise = undefined;
        throw error;
      },
    );
    return this.sealersPromise;
  }

  async sealTransaction(tx: LoginTransaction): Promise<string> {
    return (await this.sealers()).transaction.seal(tx);
  }

  async openTransaction(value: string | undefined): Promise<LoginTransaction | undefined> {
    const tx = (await this.sealers()).transaction.open<LoginTransaction>(value);
    return tx && tx.exp > Date.now() ? tx : undefined;
  }

  private get idleMs(): number {
    return this.config.sessionIdleSeconds * 1000;
  }
  /** The idle deadline is rewritten once it is this much older than a fresh one would be. */
  private get touchEveryMs(): number {
    return Math.min(this.idleMs / 10, 60_000);
  }

  /** A new session (new id, so a pre-login cookie can never be fixed onto it); returns the cookie value. */
  async create(tokens: TokenSet): Promise<{ session: StoredSession; cookie: string }> {
    const claims = { ...accessTokenClaims(tokens.accessToken), ...tokens.claims };
    const now = this.now();
    const expiresAt = now + this.config.sessionTtlSeconds * 1000;
    const session: StoredSession = {
      id: randomBytes(32).toString('base64url'),
      sub: String(claims.sub),
      idpSid: typeof tokens.claims.sid === 'string' ? tokens.claims.sid : undefined,
      name: displayName(claims),
      email: typeof claims.email === 'string' ? claims.email : undefined,
      roles: this.roles.roles(claims),
      claims: pickProfile(claims),
      idToken: tokens.idToken,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      accessTokenExpiresAt: tokens.expiresAt,
      createdAt: now,
      expiresAt,
      idleExpiresAt: Math.min(now + this.idleMs, expiresAt),
    };
    await this.store.put(session);
    return { session, cookie: (await this.sealers()).session.seal({ s: session.id } satisfies SessionCookie) };
  }

  /** The live session behind a cookie value (a use: its idle deadline moves), refreshed if its access token is about to expire. */
  async fromCookie(value: string | undefined): Promise<StoredSession | undefined> {
    const opened = (await this.sealers()).session.open<SessionCookie>(value);
    if (!opened || typeof opened.s !== 'string') return undefined;
    let current = await this.read(opened.s);
    if (!current) return undefined;
    current = await this.touch(current);
    if (!current) return undefined;
    if (current.session.accessTokenExpiresAt - this.config.refreshBeforeSeconds * 1000 > this.now()) return current.session;
    return this.refresh(current.session.id);
  }

  /** From the cache when allowed and still live, else from the store. Never past the session's deadline. */
  private async read(id: string): Promise<VersionedSession | undefined> {
    const now = this.now();
    if (this.config.sessionCacheMs > 0) {
      const hit = this.cache.get(id);
      if (hit) {
        this.cache.delete(id);
        // A cached copy may hold an older idle deadline than the store (another instance moved it):
        // past it, ask the store rather than refuse.
        if (hit.until > now && sessionDeadline(hit.entry.session) > now) {
          this.cache.set(id, hit);
          return hit.entry;
        }
      }
    }
    const entry = await this.store.getVersioned(id);
    if (!entry || sessionDeadline(entry.session) <= now) return undefined;
    this.remember(entry);
    return entry;
  }

  private remember(entry: VersionedSession): void {
    if (this.config.sessionCacheMs <= 0) return;
    const id = entry.session.id;
    this.cache.delete(id);
    while (this.cache.size >= this.config.sessionCacheMaxEntries) this.cache.delete(this.cache.keys().next().value!);
    // Never cached past the session's own deadline.
    this.cache.set(id, { entry, until: Math.min(this.now() + this.config.sessionCacheMs, sessionDeadline(entry.session)) });
  }

  /** Pushes the idle deadline forward when it is due (conditional write; a lost race re-reads). */
  private async touch(current: VersionedSession): Promise<VersionedSession | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.now();
      const s = current.session;
      const fresh = Math.min(now + this.idleMs, s.expiresAt);
      if (s.idleExpiresAt !== undefined && fresh - s.idleExpiresAt < this.touchEveryMs) return current;
      const touched = { ...s, idleExpiresAt: fresh };
      const version = await this.store.replace(touched, current.version);
      if (version) {
        const entry = { session: touched, version };
        this.remember(entry);
        return entry;
      }
      this.cache.delete(s.id);
      const reread = await this.store.getVersioned(s.id);
      if (!reread || sessionDeadline(reread.session) <= this.now()) return undefined;
      current = reread;
    }
    return current; // Busy row (others are writing it): the use still counts as live now.
  }

  private refresh(id: string): Promise<StoredSession | undefined> {
    let pending = this.refreshing.get(id);
    if (!pending) {
      pending = this.doRefresh(id).finally(() => this.refreshing.delete(id));
      this.refreshing.set(id, pending);
    }
    return pending;
  }

  private async doRefresh(id: string): Promise<StoredSession | undefined> {
    const giveUpAt = this.now() + REFRESH_LOCK_MS * 2;
    for (;;) {
      const current = await this.store.getVersioned(id);
      const now = this.now();
      if (!current || sessionDeadline(current.session) <= now) return this.forget(id);
      const s = current.session;
      // Someone (another instance) refreshed meanwhile: use its tokens.
      if (s.accessTokenExpiresAt - this.config.refreshBeforeSeconds * 1000 > now) return this.remembered(current);
      if (!s.refreshToken) {
        if (s.accessTokenExpiresAt > now) return s;
        await this.end(id, 'access token expired and no refresh token');
        return undefined;
      }
      // Bounded: a row that stays locked or contended this long is not refreshed by this request.
      if (now > giveUpAt) return s.accessTokenExpiresAt > now ? s : undefined;
      const lock = s.refreshLock;
      if (lock && lock.owner !== this.owner && lock.until > now) {
        await this.sleep(REFRESH_POLL_MS);
        continue;
      }
      const locked = { ...s, refreshLock: { owner: this.owner, until: now + REFRESH_LOCK_MS } };
      const lockedVersion = await this.store.replace(locked, current.version);
      if (!lockedVersion) continue; // Another write came first: look again.
      return this.refreshHoldingLock({ session: locked, version: lockedVersion });
    }
  }

  private async refreshHoldingLock(held: VersionedSession): Promise<StoredSession | undefined> {
    const s = held.session;
    let tokens: TokenSet;
    try {
      this.refreshCount++;
      tokens = await this.oidc.refresh(s.refreshToken!);
    } catch (error) {
      await this.end(s.id, `refresh failed: ${describeOidcError(error)}`);
      return undefined;
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
    return this.forget(s.id);
  }

  private remembered(entry: VersionedSession): StoredSession {
    this.remember(entry);
    return entry.session;
  }

  private forget(id: string): undefined {
    this.cache.delete(id);
    return undefined;
  }

  async get(id: string): Promise<StoredSession | undefined> {
    const entry = await this.store.getVersioned(id);
    return entry && sessionDeadline(entry.session) > this.now() ? entry.session : undefined;
  }

  async end(id: string, why: string): Promise<void> {
    this.logger.log(`Session ended: ${why}`);
    this.cache.delete(id);
    await this.store.delete(id);
  }

  async endForIdpSession(match: { sid?: string; sub?: string }): Promise<number> {
    const n = await this.store.deleteWhere({ idpSid: match.sid, sub: match.sub });
    for (const [id, { entry }] of this.cache) {
      if ((match.sid && entry.session.idpSid === match.sid) || (!match.sid && match.sub && entry.session.sub === match.sub)) this.cache.delete(id);
    }
    this.logger.log(`Back-channel logout ended ${n} session(s)`);
    return n;
  }

  /** First sight of a logout token's `jti` on any instance (a replay is refused). */
  claimLogoutToken(issuer: string, jti: string, ttlSeconds: number): Promise<boolean> {
    return this.store.claimOnce(`logout-jti:${issuer}:${jti}`, ttlSeconds);
  }
}

function accessTokenClaims(token: string): Record<string, unknown> {
  // Read only to map roles: the token came straight from the token endpoint over a verified channel.
  try {
    return decodeJwt(token) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function displayName(claims: Record<string, unknown>): string {
  for (const key of ['name', 'given_name', 'preferred_username', 'email', 'sub']) {
    if (typeof claims[key] === 'string' && claims[key]) return claims[key];
  }
  return 'user';
}

const PROFILE_CLAIMS = ['sub', 'name', 'given_name', 'family_name', 'preferred_username', 'email', 'tid', 'oid'];
function pickProfile(claims: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(PROFILE_CLAIMS.filter((k) => claims[k] !== undefined).map((k) => [k, claims[k]]));
}
