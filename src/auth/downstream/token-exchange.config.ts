import { z } from 'zod';
import { defineConfigSection, envInt } from '../../config/config-section.js';
import { authConfigSection } from '../auth.config.js';
import { bearerConfigSection } from '../bearer/bearer.config.js';
import type { ExchangeGrant } from '../oidc/oidc-client.js';

export const TOKEN_EXCHANGES = ['token-exchange', 'on-behalf-of', 'off'] as const;

/**
 * How the app gets a token for another audience (a downstream service, `/auth/verify?audience=`):
 * RFC 8693 token exchange (Keycloak ≥ 26.2, the dev IdP, any issuer that has it) or Entra's
 * on-behalf-of; `off` refuses every call that would need one. The user's own access token goes
 * only to this API's own audience.
 */
export class TokenExchangeConfig {
  readonly exchange!: ExchangeGrant | 'off';
  /** Bound on this instance's exchanged tokens (session and audience); 0 = only the shared store. */
  readonly cacheEntries!: number;
  /** This API's own audience (AUTH_BEARER_AUDIENCE): the one audience the user's own token is for. */
  readonly ownAudience!: string;
}

export const tokenExchangeConfigSection = defineConfigSection(
  'tokenExchange',
  TokenExchangeConfig,
  z.object({
    AUTH_TOKEN_EXCHANGE: z.enum(TOKEN_EXCHANGES).optional(),
    AUTH_TOKEN_EXCHANGE_CACHE_ENTRIES: envInt(10_000, 0, 1_000_000),
  }),
  (v, _env, config) => {
    const provider = config.get(authConfigSection).provider;
    return {
      exchange: v.AUTH_TOKEN_EXCHANGE ?? (provider === 'none' ? 'off' : provider === 'entra' ? 'on-behalf-of' : 'token-exchange'),
      cacheEntries: v.AUTH_TOKEN_EXCHANGE_CACHE_ENTRIES,
      ownAudience: config.get(bearerConfigSection).bearerAudience,
    };
  },
  { reads: [authConfigSection, bearerConfigSection] },
);
