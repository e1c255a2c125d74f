import { jest } from '@jest/globals';
import { ManualClock } from '../../../test/support/clock.js';
import { IdentityProviderUnavailableError, SessionEndedError, TokenExchangeFailedError } from '../auth.errors.js';
import type { OidcClient } from '../oidc/oidc-client.js';
import { MemorySessionStore } from '../sessions/memory-session-store.js';
import { EXCHANGED_TOKEN_EARLY_MS, ExchangedTokens } from './exchanged-tokens.js';
import type { TokenExchangeConfig } from './token-exchange.config.js';

const config = (over: Partial<TokenExchangeConfig> = {}): TokenExchangeConfig => ({ exchange: 'token-exchange', cacheEntries: 100, ownAudience: 'integrated-auth-api', ...over });
const user = { sessionId: 'session-1', accessToken: 'user-token' };

/** The IdP's side of the exchange, as OidcClient reports it: a new token per call, living `lifetimeMs`. */
function idp(clock: ManualClock, lifetimeMs = 300_000) {
  let n = 0;
  const exchangeToken = jest.fn(async (_subject: string, audience: string) => ({ accessToken: `${audience}-token-${++n}`, expiresAt: clock.now() + lifetimeMs }));
  return { oidc: { exchangeToken } as unknown as OidcClient, exchangeToken };
}

describe('ExchangedTokens', () => {
  it('this API’s own audience gets the user’s own token, and no other audience does', async () => {
    const clock = new ManualClock(1_000_000);
    const { oidc, exchangeToken } = idp(clock);
    const tokens = new ExchangedTokens(config(), oidc, new MemorySessionStore(clock), clock);
    expect(await tokens.tokenFor(user, 'integrated-auth-api')).toBe('user-token');
    expect(exchangeToken).not.toHaveBeenCalled();
    expect(await tokens.tokenFor(user, 'details-api')).toBe('details-api-token-1');
    expect(exchangeToken).toHaveBeenCalledWith('user-token', 'details-api', 'token-exchange');
  });

  it('reuses a token until shortly before its exp (30 s, or half its life when shorter), then exchanges again', async () => {
    const clock = new ManualClock(1_000_000);
    const { oidc, exchangeToken } = idp(clock);
    const tokens = new ExchangedTokens(config(), oidc, new MemorySessionStore(clock), clock);
    expect(await tokens.tokenFor(user, 'details-api')).toBe('details-api-token-1');
    clock.advance(300_000 - EXCHANGED_TOKEN_EARLY_MS - 1);
    expect(await tokens.tokenFor(user, 'details-api')).toBe('details-api-token-1');
    clock.advance(1);
    expect(await tokens.tokenFor(user, 'details-api')).toBe('details-api-token-2');
    expect(exchangeToken).toHaveBeenCalledTimes(2);

    const short = idp(clock, 20_000);
    const shortLived = new ExchangedTokens(config(), short.oidc, new MemorySessionStore(clock), clock);
    await shortLived.tokenFor(user, 'details-api');
    clock.advance(9_999);
    await shortLived.tokenFor(user, 'details-api');
    clock.advance(1);
    await shortLived.tokenFor(user, 'details-api');
    expect(short.exchangeToken).toHaveBeenCalledTimes(2);
  });

  it('per session and audience: another session or audience gets its own; concurrent requests share one exchange', async () => {
    const clock = new ManualClock(1_000_000);
    const { oidc, exchangeToken } = idp(clock);
    const tokens = new ExchangedTokens(config(), oidc, new MemorySessionStore(clock), clock);
    const same = await Promise.all([1, 2, 3].map(() => tokens.tokenFor(user, 'details-api')));
    expect(new Set(same).size).toBe(1);
    expect(await tokens.tokenFor({ ...user, sessionId: 'session-2' }, 'details-api')).not.toBe(same[0]);
    expect(await tokens.tokenFor(user, 'reviews-api')).toBe('reviews-api-token-3');
    expect(exchangeToken).toHaveBeenCalledTimes(3);
  });

  it('another instance sharing the store reuses the token instead of asking the IdP', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemorySessionStore(clock);
    const first = idp(clock);
    const second = idp(clock);
    const token = await new ExchangedTokens(config(), first.oidc, store, clock).tokenFor(user, 'details-api');
    expect(await new ExchangedTokens(config(), second.oidc, store, clock).tokenFor(user, 'details-api')).toBe(token);
    expect(second.exchangeToken).not.toHaveBeenCalled();
  });

  it('bounded on each instance: past AUTH_TOKEN_EXCHANGE_CACHE_ENTRIES the oldest goes (then the shared store answers)', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemorySessionStore(clock);
    const getValue = jest.spyOn(store, 'getValue');
    const { oidc } = idp(clock);
    const tokens = new ExchangedTokens(config({ cacheEntries: 2 }), oidc, store, clock);
    for (const id of ['s1', 's2', 's3']) await tokens.tokenFor({ sessionId: id, accessToken: 't' }, 'details-api');
    getValue.mockClear();
    await tokens.tokenFor({ sessionId: 's3', accessToken: 't' }, 'details-api');
    expect(getValue).not.toHaveBeenCalled();
    await tokens.tokenFor({ sessionId: 's1', accessToken: 't' }, 'details-api');
    expect(getValue).toHaveBeenCalledTimes(1);
  });

  it('forget drops the token here and in the shared store', async () => {
    const clock = new ManualClock(1_000_000);
    const { oidc, exchangeToken } = idp(clock);
    const tokens = new ExchangedTokens(config(), oidc, new MemorySessionStore(clock), clock);
    await tokens.tokenFor(user, 'details-api');
    await tokens.forget(user, 'details-api');
    expect(await tokens.tokenFor(user, 'details-api')).toBe('details-api-token-2');
    expect(exchangeToken).toHaveBeenCalledTimes(2);
  });

  it('what the IdP’s refusals mean: invalid_grant ends the session, other codes are TOKEN_EXCHANGE_FAILED, no answer is IDP_UNAVAILABLE; off asks nothing', async () => {
    const clock = new ManualClock(1_000_000);
    const failing = (error: unknown) => ({ exchangeToken: async () => Promise.reject(error) }) as unknown as OidcClient;
    const store = new MemorySessionStore(clock);
    await expect(new ExchangedTokens(config(), failing({ error: 'invalid_grant' }), store, clock).tokenFor(user, 'a')).rejects.toBeInstanceOf(SessionEndedError);
    await expect(new ExchangedTokens(config(), failing({ error: 'invalid_target' }), store, clock).tokenFor(user, 'a')).rejects.toBeInstanceOf(TokenExchangeFailedError);
    await expect(new ExchangedTokens(config(), failing(new TypeError('fetch failed')), store, clock).tokenFor(user, 'a')).rejects.toBeInstanceOf(IdentityProviderUnavailableError);
    const { oidc, exchangeToken } = idp(clock);
    await expect(new ExchangedTokens(config({ exchange: 'off' }), oidc, store, clock).tokenFor(user, 'a')).rejects.toBeInstanceOf(TokenExchangeFailedError);
    expect(exchangeToken).not.toHaveBeenCalled();
  });

  it('a Bearer caller (no session) is keyed by its token', async () => {
    const clock = new ManualClock(1_000_000);
    const { oidc, exchangeToken } = idp(clock);
    const tokens = new ExchangedTokens(config(), oidc, new MemorySessionStore(clock), clock);
    await tokens.tokenFor({ accessToken: 'bearer-1' }, 'details-api');
    await tokens.tokenFor({ accessToken: 'bearer-1' }, 'details-api');
    await tokens.tokenFor({ accessToken: 'bearer-2' }, 'details-api');
    expect(exchangeToken).toHaveBeenCalledTimes(2);
  });
});
