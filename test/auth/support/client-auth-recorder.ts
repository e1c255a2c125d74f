import type { KoaContextWithOIDC } from 'oidc-provider';
import type { RunningDevIdp } from '../../../src/dev/dev-idp/dev-idp.server.js';

/** One call to the IdP's token, introspection or revocation endpoint, as the IdP saw it. */
export interface RecordedClientCall {
  route: string;
  grantType?: string;
  /** How oidc-provider authenticated the client (a federated client shows its internal client_secret_post). */
  authMethod?: string;
  status: number;
  /** The form's client_assertion, if any (a JWT). */
  assertion?: string;
  basicHeader: boolean;
  secretInBody: boolean;
}

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/**
 * Records every call the app makes to the IdP's client-authenticated endpoints, from inside
 * oidc-provider (after it authenticated the client), so a test sees the method each grant used.
 */
export function recordClientCalls(idp: RunningDevIdp): RecordedClientCall[] {
  const calls: RecordedClientCall[] = [];
  idp.provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    const route = ctx.oidc?.route;
    if (!route || !['token', 'introspection', 'revocation'].includes(route)) return;
    const params = (ctx.oidc.params ?? {}) as Record<string, string | undefined>;
    calls.push({
      route,
      grantType: params.grant_type,
      authMethod: ctx.oidc.client?.clientAuthMethod,
      status: ctx.status,
      assertion: params.client_assertion,
      basicHeader: /^basic /i.test(ctx.headers.authorization ?? ''),
      secretInBody: Boolean(params.client_secret),
    });
  });
  return calls;
}

/**
 * A minimal RFC 8693 token exchange at the test IdP (the dev IdP's own arrives with forward auth):
 * oidc-provider authenticates the client before any grant handler runs, so a successful exchange
 * proves the client's authentication. It answers a token bound to the requested audience.
 */
export function registerTokenExchange(idp: RunningDevIdp): void {
  idp.provider.registerGrantType(
    TOKEN_EXCHANGE,
    async (ctx: KoaContextWithOIDC) => {
      const params = ctx.oidc.params as Record<string, string | undefined>;
      const subject = await ctx.oidc.provider.AccessToken.find(params.subject_token ?? '');
      if (!subject) {
        ctx.status = 400;
        ctx.body = { error: 'invalid_grant', error_description: 'unknown subject_token' };
        return;
      }
      ctx.body = {
        access_token: `exchanged-for-${params.audience ?? 'none'}`,
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: 60,
      };
    },
    ['subject_token', 'subject_token_type', 'audience', 'requested_token_type'],
  );
}
