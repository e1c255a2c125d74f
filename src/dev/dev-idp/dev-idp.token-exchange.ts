import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/** The demo services' audiences (src/dev/details, src/dev/reviews): the dev IdP exchanges tokens for these only. */
export const DEV_IDP_DEMO_AUDIENCES = ['details-api', 'reviews-api'] as const;

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

export interface TokenExchangeOptions {
  /** Audience of the tokens the app's login gets (the subject tokens' `aud`). */
  apiAudience: string;
  /** Audiences a token may be exchanged for. */
  audiences: readonly string[];
  /** The signing keys (private JWKs): subject tokens are checked against their public halves. */
  keys: readonly JWK[];
  accessTokenTtlSeconds: number;
}

/**
 * Token exchange at the dev IdP, two ways, both issuing a JWT access token for one demo audience
 * on behalf of the subject token's user (same `sub`, the user's roles, `act` naming the client: extraTokenClaims):
 *
 * - RFC 8693 (`urn:ietf:params:oauth:grant-type:token-exchange`, as Keycloak ≥ 26.2's standard
 *   token exchange): `subject_token` + `subject_token_type` access_token + `audience`;
 * - Entra's on-behalf-of (`urn:ietf:params:oauth:grant-type:jwt-bearer`): `assertion`,
 *   `requested_token_use=on_behalf_of`, `scope=api://<audience>/.default`.
 *
 * The subject token must be one this IdP issued for the API (`apiAudience`) to the client that
 * asks (its `client_id`), unexpired: a client cannot exchange another client's tokens, and a token
 * for another audience (an exchanged one included) cannot be exchanged again.
 */
export function registerTokenExchange(provider: Provider, options: TokenExchangeOptions): void {
  const publicKeys = createLocalJWKSet({ keys: options.keys.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub }) => pub) });

  async function subjectOf(ctx: KoaContextWithOIDC, token: string): Promise<{ sub: string; sid?: string }> {
    try {
      const { payload } = await jwtVerify(token, publicKeys, { issuer: provider.issuer, audience: options.apiAudience, requiredClaims: ['sub', 'exp'] });
      if (payload.client_id !== ctx.oidc.client!.clientId) throw new Error('issued to another client');
      return { sub: payload.sub!, ...(typeof payload.sid === 'string' ? { sid: payload.sid } : {}) };
    } catch (error) {
      throw new errors.InvalidGrant(`subject token is not valid: ${(error as Error).message}`);
    }
  }

  async function issue(ctx: KoaContextWithOIDC, subject: { sub: string; sid?: string }, audience: string, gty: string): Promise<void> {
    const client = ctx.oidc.client!;
    // A JWT subject token carries no grant id: the exchanged token gets one of its own (nothing looks it up).
    const token = new provider.AccessToken({ accountId: subject.sub, client, gty, grantId: `exchange-${randomUUID()}`, ...(subject.sid ? { sid: subject.sid } : {}) });
    token.resourceServer = {
      audience,
      scope: '',
      accessTokenTTL: options.accessTokenTtlSeconds,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: 'RS256' } },
      identifier: () => `urn:integrated-auth:${audience}`,
      scopes: new Set<string>(),
    } as unknown as typeof token.resourceServer;
    ctx.oidc.entity('AccessToken', token);
    const value = await token.save();
    ctx.body = {
      access_token: value,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: token.expiration,
    };
  }

  const knownAudience = (audience: string | undefined): string => {
    if (!audience || !options.audiences.includes(audience)) throw new errors.InvalidTarget(`unknown audience; this IdP exchanges for ${options.audiences.join(', ')}`);
    return audience;
  };

  provider.registerGrantType(
    TOKEN_EXCHANGE_GRANT,
    async (ctx: KoaContextWithOIDC) => {
      const params = ctx.oidc.params as Record<string, string | undefined>;
      if (params.subject_token_type !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest('subject_token_type must be an access token');
      if (params.requested_token_type && params.requested_token_type !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest('only access tokens are issued');
      if (!params.subject_token) throw new errors.InvalidRequest('missing subject_token');
      const audience = knownAudience(params.audience);
      await issue(ctx, await subjectOf(ctx, params.subject_token), audience, 'token-exchange');
    },
    ['subject_token', 'subject_token_type', 'audience', 'requested_token_type', 'scope'],
  );

  provider.registerGrantType(
    JWT_BEARER_GRANT,
    async (ctx: KoaContextWithOIDC) => {
      const params = ctx.oidc.params as Record<string, string | undefined>;
      if (params.requested_token_use !== 'on_behalf_of') throw new errors.InvalidRequest('requested_token_use must be on_behalf_of');
      if (!params.assertion) throw new errors.InvalidRequest('missing assertion');
      const m = /^api:\/\/(.+)\/\.default$/.exec(params.scope ?? '');
      if (!m) throw new errors.InvalidScope('scope must be api://<downstream>/.default', params.scope ?? '');
      const audience = knownAudience(m[1]);
      await issue(ctx, await subjectOf(ctx, params.assertion), audience, 'on-behalf-of');
    },
    ['assertion', 'requested_token_use', 'scope'],
  );
}
