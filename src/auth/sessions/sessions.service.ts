import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { Clock } from '../../common/clock.js';
import { assuranceOf, authUserFromClaims } from '../auth-user.js';
import type { TokenSet } from '../oidc/oidc-client.js';
import { RoleMapper } from '../oidc/role-mapper.js';
import { CookieSealers } from './cookie-sealer.js';
import { SessionCache } from './session-cache.js';
import { SessionRefresher } from './session-refresher.js';
import { SessionStore, sessionDeadline, type StoredSession, type VersionedSession } from './session-store.js';
import { SessionsConfig } from './sessions.config.js';

export interface SessionCookie {
  /** Session id. */
  s: string;
}

/**
 * Browser sessions: the cookie carries only an encrypted, integrity-protected session id (well
 * under 4 KB whatever the IdP's token sizes); tokens live in the shared SessionStore.
 *
 * Lifetime: a session ends at the earlier of its absolute deadline (AUTH_SESSION_TTL_SECONDS after
 * login, never extended) and its idle deadline (AUTH_SESSION_IDLE_SECONDS after the last use,
 * rolling). The idle deadline is stored with the session, so it holds on every instance; it is
 * rewritten at most every min(idle/10, 60 s), not on every request. Access tokens about to expire
 * are refreshed (SessionRefresher); a refresh the IdP refuses ends the session.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    private readonly config: SessionsConfig,
    private readonly store: SessionStore,
    private readonly cache: SessionCache,
    private readonly refresher: SessionRefresher,
    private readonly sealers: CookieSealers,
    private readonly roles: RoleMapper,
    private readonly clock: Clock,
  ) {}

  private get idleMs(): number {
    return this.config.sessionIdleSeconds * 1000;
  }
  /** The idle deadline is rewritten once it is this much older than a fresh one would be. */
  private get touchEveryMs(): number {
    return Math.min(this.idleMs / 10, 60_000);
  }

  /** A new session (new id, so a pre-login cookie can never be fixed onto it); returns the cookie value. */
  async create(tokens: TokenSet): Promise<{ session: StoredSession; cookie: string }> {
    // The access token is read only to map roles: it came straight from the token endpoint over a verified channel.
    const claims = { ...accessTokenClaims(tokens.accessToken), ...tokens.claims };
    const user = authUserFromClaims(claims, this.roles.roles(claims), 'session');
    const now = this.clock.now();
    const expiresAt = now + this.config.sessionTtlSeconds * 1000;
    // How the IdP authenticated the user: the ID token's word, not the access token's.
    const assurance = assuranceOf(tokens.claims);
    const session: StoredSession = {
      id: randomBytes(32).toString('base64url'),
      sub: user.sub,
      ...(user.iss ? { iss: user.iss } : {}),
      idpSid: typeof tokens.claims.sid === 'string' ? tokens.claims.sid : undefined,
      name: user.name,
      email: user.email,
      roles: user.roles,
      claims: pickProfile(claims),
      idToken: tokens.idToken,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      accessTokenExpiresAt: tokens.expiresAt,
      createdAt: now,
      expiresAt,
      idleExpiresAt: Math.min(now + this.idleMs, expiresAt),
      ...(assurance.acr ? { acr: assurance.acr } : {}),
      amr: [...assurance.amr],
      ...(assurance.authTime !== undefined ? { authTime: assurance.authTime } : {}),
    };
    await this.store.put(session);
    return { session, cookie: (await this.sealers.session()).seal({ s: session.id } satisfies SessionCookie) };
  }

  /** The live session behind a cookie value (a use: its idle deadline moves), refreshed if its access token is about to expire. */
  async fromCookie(value: string | undefined): Promise<StoredSession | undefined> {
    const opened = await this.sealers.openSession<SessionCookie>(value);
    if (!opened || typeof opened.s !== 'string') return undefined;
    let current = await this.read(opened.s);
    if (!current) return undefined;
    current = await this.touch(current);
    if (!current) return undefined;
    if (!this.refresher.isDue(current.session)) return current.session;
    const outcome = await this.refresher.refresh(current.session.id);
    if ('end' in outcome) {
      await this.end(current.session.id, outcome.end);
      return undefined;
    }
    return 'session' in outcome ? outcome.session : undefined;
  }

  /** From the cache when allowed and still live, else from the store. Never past the session's deadline. */
  private async read(id: string): Promise<VersionedSession | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const entry = await this.store.getVersioned(id);
    if (!entry || sessionDeadline(entry.session) <= this.clock.now()) return undefined;
    this.cache.remember(entry);
    return entry;
  }

  /** Pushes the idle deadline forward when it is due (conditional write; a lost race re-reads). */
  private async touch(current: VersionedSession): Promise<VersionedSession | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.clock.now();
      const s = current.session;
      const fresh = Math.min(now + this.idleMs, s.expiresAt);
      if (s.idleExpiresAt !== undefined && fresh - s.idleExpiresAt < this.touchEveryMs) return current;
      const touched = { ...s, idleExpiresAt: fresh };
      const version = await this.store.replace(touched, current.version);
      if (version) {
        const entry = { session: touched, version };
        this.cache.remember(entry);
        return entry;
      }
      this.cache.forget(s.id);
      const reread = await this.store.getVersioned(s.id);
      if (!reread || sessionDeadline(reread.session) <= this.clock.now()) return undefined;
      current = reread;
    }
    return current; // Busy row (others are writing it): the use still counts as live now.
  }

  /**
   * The second factor is done: the session gets `otp` in its `amr` and the time, under a new id (a
   * cookie seen before the step-up is worth nothing after it, as at login). The old row is deleted
   * once the new one is stored; returns the new cookie value.
   */
  async recordSecondFactor(id: string): Promise<{ session: StoredSession; cookie: string } | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    const { refreshLock: _lock, ...rest } = current;
    const session: StoredSession = {
      ...rest,
      id: randomBytes(32).toString('base64url'),
      amr: [...new Set([...(current.amr ?? []), 'otp'])],
      secondFactorAt: this.clock.now(),
    };
    await this.store.put(session);
    this.cache.forget(id);
    await this.store.delete(id);
    this.logger.log('Session id rotated after a second factor');
    return { session, cookie: (await this.sealers.session()).seal({ s: session.id } satisfies SessionCookie) };
  }

  async get(id: string): Promise<StoredSession | undefined> {
    const entry = await this.store.getVersioned(id);
    return entry && sessionDeadline(entry.session) > this.clock.now() ? entry.session : undefined;
  }

  async end(id: string, why: string): Promise<void> {
    this.logger.log(`Session ended: ${why}`);
    this.cache.forget(id);
    await this.store.delete(id);
  }

  /** Back-channel logout: every session of the IdP session (`sid`) or, without one, of the user (`sub`). */
  async endForIdpSession(match: { sid?: string; sub?: string }): Promise<number> {
    const n = await this.store.deleteWhere({ idpSid: match.sid, sub: match.sub });
    this.cache.forgetWhere(match);
    this.logger.log(`Back-channel logout ended ${n} session(s)`);
    return n;
  }
}

function accessTokenClaims(token: string): Record<string, unknown> {
  try {
    return decodeJwt(token) as Record<string, unknown>;
  } catch {
    return {};
  }
}

// The contacts with their `*_verified` flags: a second factor is sent only where the IdP vouched.
const PROFILE_CLAIMS = [
  'sub',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'email',
  'email_verified',
  'phone_number',
  'phone_number_verified',
  'tid',
  'oid',
];
function pickProfile(claims: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(PROFILE_CLAIMS.filter((k) => claims[k] !== undefined).map((k) => [k, claims[k]]));
}
