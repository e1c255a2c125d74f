import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { AuthUser } from '../auth-user.js';
import { IdentityProviderUnavailableError, NotAuthenticatedError, SessionEndedError, TokenExchangeFailedError } from '../auth.errors.js';
import { TokenResultCache } from '../bearer/token-result.cache.js';
import { OidcClient, describeOidcError, type ExchangedToken } from '../oidc/oidc-client.js';
import { SessionStore } from '../sessions/session-store.js';
import { TokenExchangeConfig } from './token-exchange.config.js';

/** An exchanged token is no longer handed out this long before its `exp` (at most half its lifetime). */
export const EXCHANGED_TOKEN_EARLY_MS = 30_000;

/** The caller a token is exchanged for: its session (browser) or, for a Bearer caller, its own token. */
export type TokenSubject = Pick<AuthUser, 'sessionId' | 'accessToken'>;

/**
 * Tokens for downstream audiences, on behalf of the signed-in user. The user's own access token is
 * for this API only (AUTH_BEARER_AUDIENCE): it is returned for that audience and for no other.
 * Any other audience gets a token the IdP issues for it (RFC 8693 token exchange or Entra
 * on-behalf-of, through OidcClient), cached per session (or Bearer token) and audience until
 * shortly before its `exp`:
 *
 * - on this instance, in a bounded LRU map (AUTH_TOKEN_EXCHANGE_CACHE_ENTRIES), so the hot path
 *   makes no call at all;
 * - in the session store's shared space (Redis or Table, as the sessions), so another replica
 *   serving the same session reuses it instead of asking the IdP again;
 * - one exchange at a time per key on this instance (concurrent requests share it).
 *
 * Tokens are never logged: log lines name the audience and the IdP's error code only.
 */
@Injectable()
export class ExchangedTokens {
  private readonly logger = new Logger('TokenExchange');
  private readonly local: TokenResultCache<string>;
  private readonly pending = new Map<string, Promise<string>>();
  private exchanges = 0;

  constructor(
    private readonly config: TokenExchangeConfig,
    private readonly oidc: OidcClient,
    private readonly store: SessionStore,
    private readonly clock: Clock,
  ) {
    this.local = new TokenResultCache<string>(config.cacheEntries);
  }

  /** Exchange grants this instance sent to the IdP (tests and the bench read it). */
  get exchangeCount(): number {
    return this.exchanges;
  }

  /** Whether a call for `audience` carries the user's own token (this API's audience) rather than an exchanged one. */
  isOwnAudience(audience: string): boolean {
    return audience === this.config.ownAudience;
  }

  /**
   * The token to send to a service of `audience` as `subject`. Throws SessionEndedError when the
   * IdP refuses the user's token (invalid_grant), TokenExchangeFailedError when it will not issue
   * one for this audience (or AUTH_TOKEN_EXCHANGE=off), IdentityProviderUnavailableError when it
   * cannot be reached.
   */
  async tokenFor(subject: TokenSubject, audience: string): Promise<string> {
    const own = subject.accessToken;
    if (!own) throw new NotAuthenticatedError();
    if (this.isOwnAudience(audience)) return own;
    const exchange = this.config.exchange;
    if (exchange === 'off') throw new TokenExchangeFailedError(`a token for ${audience} needs token exchange (AUTH_TOKEN_EXCHANGE=off)`);
    const key = cacheKey(subject, audience);
    const hit = this.local.get(TokenResultCache.keyOf(key), this.clock.now());
    if (hit) return hit;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.fetch(key, own, audience, exchange).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  /** Drops the cached token for `audience` (the service refused it), here and in the shared store. */
  async forget(subject: TokenSubject, audience: string): Promise<void> {
    if (!subject.accessToken || this.isOwnAudience(audience)) return;
    const key = cacheKey(subject, audience);
    this.local.delete(TokenResultCache.keyOf(key));
    await this.store.deleteValue(key).catch((error: unknown) => this.logger.warn(`Could not drop a cached token for ${audience}: ${(error as Error).message}`));
  }

  private async fetch(key: string, subjectToken: string, audience: string, grant: 'token-exchange' | 'on-behalf-of'): Promise<string> {
    const shared = await this.store.getValue(key).catch(() => undefined);
    const now = this.clock.now();
    const reused = shared ? parseShared(shared) : undefined;
    if (reused && usableUntil(reused, now) > now) {
      this.local.set(TokenResultCache.keyOf(key), reused.accessToken, usableUntil(reused, now), now);
      return reused.accessToken;
    }
    let exchanged: ExchangedToken;
    try {
      this.exchanges++;
      exchanged = await this.oidc.exchangeToken(subjectToken, audience, grant);
    } catch (error) {
      throw refusal(error, audience);
    }
    const until = usableUntil(exchanged, this.clock.now());
    this.local.set(TokenResultCache.keyOf(key), exchanged.accessToken, until, this.clock.now());
    await this.store
      .putValue(key, JSON.stringify(exchanged), until)
      .catch((error: unknown) => this.logger.warn(`Could not share the token for ${audience}: ${(error as Error).message}`));
    return exchanged.accessToken;
  }
}

/** Per session (a browser) or per token (a Bearer caller), and audience. */
function cacheKey(subject: TokenSubject, audience: string): string {
  const who = subject.sessionId ? `session:${subject.sessionId}` : `token:${TokenResultCache.keyOf(subject.accessToken!)}`;
  return `exchanged-token:${who}:${audience}`;
}

/** Until a little before `exp`: at most EXCHANGED_TOKEN_EARLY_MS, at most half of what is left. */
function usableUntil(token: ExchangedToken, now: number): number {
  return token.expiresAt - Math.min(EXCHANGED_TOKEN_EARLY_MS, Math.max(0, token.expiresAt - now) / 2);
}

function parseShared(text: string): ExchangedToken | undefined {
  try {
    const value = JSON.parse(text) as Partial<ExchangedToken>;
    return typeof value.accessToken === 'string' && typeof value.expiresAt === 'number' ? { accessToken: value.accessToken, expiresAt: value.expiresAt } : undefined;
  } catch {
    return undefined;
  }
}

/** What an IdP's refusal means for the caller: the user's token is over, the exchange is not allowed, or the IdP is away. */
function refusal(error: unknown, audience: string): Error {
  const code = (error as { error?: unknown }).error;
  if (code === 'invalid_grant') return new SessionEndedError(`token exchange for ${audience}: ${describeOidcError(error)}`);
  if (typeof code === 'string') return new TokenExchangeFailedError(`token exchange for ${audience}: ${describeOidcError(error)}`, { cause: error });
  return new IdentityProviderUnavailableError(`token exchange for ${audience}: ${describeOidcError(error)}`, { cause: error });
}
