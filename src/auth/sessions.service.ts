import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { AuthConfig } from './auth.config.js';
import { CookieSealer } from './cookie-sealer.js';
import { OidcClient, describeOidcError, type TokenSet } from './oidc-client.js';
import { SessionStore, type StoredSession } from './session-store.js';
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

/**
 * Browser sessions: the cookie carries only an encrypted, integrity-protected session id (well
 * under 4 KB whatever the IdP's token sizes); tokens live in the shared SessionStore. Access tokens
 * are refreshed shortly before expiry, once per session however many requests need it at the same
 * moment; a failed refresh ends the session.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);
  private sealersPromise?: Promise<{ session: CookieSealer; transaction: CookieSealer }>;
  private readonly refreshing = new Map<string, Promise<StoredSession | undefined>>();
  private readonly cache = new Map<string, { session: StoredSession; until: number }>();
  /** Refresh grants made, for tests and benchmarks. */
  refreshCount = 0;

  constructor(
    private readonly config: AuthConfig,
    private readonly store: SessionStore,
    private readonly oidc: OidcClient,
    private readonly roles: RoleMapper,
    private readonly secrets: SecretsService,
  ) {}

  private sealers(): Promise<{ session: CookieSealer; transaction: CookieSealer }> {
    this.sealersPromise ??= this.secrets.get(this.config.sessionSecretName).then(
      (secret) => ({ session: new CookieSealer(secret, 'session'), transaction: new CookieSealer(secret, 'login-transaction') }),
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

  /** A new session (new id, so a pre-login cookie can never be fixed onto it); returns the cookie value. */
  async create(tokens: TokenSet): Promise<{ session: StoredSession; cookie: string }> {
    const claims = { ...accessTokenClaims(tokens.accessToken), ...tokens.claims };
    const now = Date.now();
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
      expiresAt: now + this.config.sessionTtlSeconds * 1000,
    };
    await this.store.put(session);
    return { session, cookie: (await this.sealers()).session.seal({ s: session.id } satisfies SessionCookie) };
  }

  /** The live session behind a cookie value, refreshed if its access token is about to expire. */
  async fromCookie(value: string | undefined): Promise<StoredSession | undefined> {
    const opened = (await this.sealers()).session.open<SessionCookie>(value);
    if (!opened || typeof opened.s !== 'string') return undefined;
    const session = await this.read(opened.s);
    if (!session) return undefined;
    if (session.accessTokenExpiresAt - this.config.refreshBeforeSeconds * 1000 > Date.now()) return session;
    return this.refresh(session);
  }

  private async read(id: string): Promise<StoredSession | undefined> {
    if (this.config.sessionCacheMs <= 0) return this.store.get(id);
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now && hit.session.expiresAt > now) return hit.session;
    const session = await this.store.get(id);
    if (session) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(id, { session, until: now + this.config.sessionCacheMs });
    } else this.cache.delete(id);
    return session;
  }

  private refresh(session: StoredSession): Promise<StoredSession | undefined> {
    let pending = this.refreshing.get(session.id);
    if (!pending) {
      pending = this.doRefresh(session).finally(() => this.refreshing.delete(session.id));
      this.refreshing.set(session.id, pending);
    }
    return pending;
  }

  private async doRefresh(session: StoredSession): Promise<StoredSession | undefined> {
    if (!session.refreshToken) {
      if (session.accessTokenExpiresAt > Date.now()) return session;
      await this.end(session.id, 'access token expired and no refresh token');
      return undefined;
    }
    try {
      this.refreshCount++;
      const tokens = await this.oidc.refresh(session.refreshToken);
      const updated: StoredSession = {
        ...session,
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken ?? session.refreshToken,
        idToken: tokens.idToken || session.idToken,
        accessTokenExpiresAt: tokens.expiresAt,
      };
      await this.store.put(updated);
      this.cache.delete(session.id);
      return updated;
    } catch (error) {
      // Another instance may have refreshed (and rotated the refresh token) a moment earlier.
      const current = await this.store.get(session.id);
      if (current && current.refreshToken !== session.refreshToken && current.accessTokenExpiresAt > Date.now()) return current;
      await this.end(session.id, `refresh failed: ${describeOidcError(error)}`);
      return undefined;
    }
  }

  async get(id: string): Promise<StoredSession | undefined> {
    return this.store.get(id);
  }

  async end(id: string, why: string): Promise<void> {
    this.logger.log(`Session ended: ${why}`);
    this.cache.delete(id);
    await this.store.delete(id);
  }

  async endForIdpSession(match: { sid?: string; sub?: string }): Promise<number> {
    const n = await this.store.deleteWhere({ idpSid: match.sid, sub: match.sub });
    for (const [id, entry] of this.cache) {
      if ((match.sid && entry.session.idpSid === match.sid) || (!match.sid && match.sub && entry.session.sub === match.sub)) this.cache.delete(id);
    }
    this.logger.log(`Back-channel logout ended ${n} session(s)`);
    return n;
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
