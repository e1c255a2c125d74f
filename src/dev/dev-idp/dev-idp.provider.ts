import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { html } from '../../common/views/html.js';
import { page } from '../../common/views/page.js';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { DEV_IDP_DEMO_AUDIENCES, JWT_BEARER_GRANT, TOKEN_EXCHANGE_GRANT, registerTokenExchange } from './dev-idp.token-exchange.js';

// The dev IdP's oidc-provider configuration: its users, clients, scopes and claims, features,
// token lifetimes and signing keys. Listening is dev-idp.server.ts, the login form
// dev-idp.interactions.ts.

/** A person who can sign in to the dev IdP. */
export interface DevIdpUser {
  sub: string;
  username: string;
  password: string;
  name: string;
  givenName: string;
  familyName: string;
  email: string;
  /** `email_verified` (default true): a second factor is sent only to a verified address. */
  emailVerified?: boolean;
  /** `phone_number` (E.164) and `phone_number_verified`, for the SMS channel (scope `phone`). */
  phoneNumber?: string;
  phoneNumberVerified?: boolean;
  /** Issued Keycloak-style (`realm_access.roles`) in ID and access tokens. */
  roles: string[];
}

/**
 * How a client authenticates at the dev IdP, mirroring the app's AUTH_CLIENT_AUTH. `federated`
 * is Entra's federated identity credential: the client's assertion is a token from another issuer
 * (a managed identity), trusted for one subject and audience.
 */
export type DevIdpClientAuth =
  | { method: 'client_secret_basic' | 'client_secret_post'; secret: string }
  | { method: 'private_key_jwt'; jwksUri: string }
  | { method: 'private_key_jwt'; jwks: { keys: JWK[] } }
  | { method: 'federated'; credential: FederatedCredential }
  | { method: 'none' };

/** A federated identity credential: which issuer's tokens, for which subject and audience, stand for the client. */
export interface FederatedCredential {
  issuer: string;
  subject: string;
  audience: string;
}

/** A federated client as the dev IdP registers it: oidc-provider sees a client_secret_post client with a secret only this process knows. */
export interface FederatedClient {
  clientId: string;
  credential: FederatedCredential;
  internalSecret: string;
}

export interface DevIdpClient {
  clientId: string;
  /** client_secret_basic with this secret, unless `auth` says otherwise. */
  clientSecret?: string;
  auth?: DevIdpClientAuth;
  /** Grant types beyond the code flow with refresh tokens (a test registering its own grant). */
  extraGrantTypes?: string[];
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri?: string;
  /**
   * OIDC Front-Channel Logout 1.0 (what Entra offers instead of back-channel): the IdP's logout
   * page loads it in an iframe with `iss` and `sid` before the IdP session ends.
   */
  frontchannelLogoutUri?: string;
}

export interface DevIdpOptions {
  issuer: string;
  clients: DevIdpClient[];
  users?: DevIdpUser[];
  /** Audience of the JWT access tokens (what a Bearer-checking API expects). */
  apiAudience?: string;
  /** `jwt` (default: Bearer-checkable against the JWKS) or `opaque` (only introspection can check it). */
  accessTokenFormat?: 'jwt' | 'opaque';
  /** Token lifetimes in seconds (tests shorten them). */
  ttl?: { accessToken?: number; idToken?: number; refreshToken?: number; session?: number };
  /**
   * Issue a new refresh token on every refresh grant and spend the old one (default true): a reused
   * refresh token then revokes the whole grant (reuse detection), so an app that lets
   * two instances refresh one session at once is caught here.
   */
  rotateRefreshToken?: boolean;
  /** Signing keys (private JWKs with kid); generated when absent. */
  keys?: JWK[];
  /** RFC 7009 revocation endpoint (default on, as Keycloak; off: like Entra, which has none). */
  revocation?: boolean;
  /** Audiences the app may exchange its tokens for (RFC 8693 and on-behalf-of); default the demo services'. */
  exchangeAudiences?: readonly string[];
  /** The client authentication methods it offers (`token_endpoint_auth_methods_supported`); oidc-provider's defaults when absent. */
  clientAuthMethods?: string[];
}

/** A client's authentication: `auth`, else client_secret_basic with its secret. */
export function devIdpClientAuth(client: DevIdpClient): DevIdpClientAuth {
  if (client.auth) return client.auth;
  if (client.clientSecret === undefined) throw new Error(`dev IdP client ${client.clientId} has neither auth nor clientSecret`);
  return { method: 'client_secret_basic', secret: client.clientSecret };
}

/** oidc-provider's metadata for the client's authentication (a federated client: its internal secret, see dev-idp.federated.ts). */
function authRegistration(auth: DevIdpClientAuth, internalSecret: string): Record<string, unknown> {
  switch (auth.method) {
    case 'client_secret_basic':
    case 'client_secret_post':
      return { token_endpoint_auth_method: auth.method, client_secret: auth.secret };
    case 'private_key_jwt':
      return { token_endpoint_auth_method: 'private_key_jwt', ...('jwksUri' in auth ? { jwks_uri: auth.jwksUri } : { jwks: auth.jwks }) };
    case 'federated':
      return { token_endpoint_auth_method: 'client_secret_post', client_secret: internalSecret };
    case 'none':
      return { token_endpoint_auth_method: 'none' };
  }
}

/**
 * The documented demo account. The password is public on purpose: this IdP exists only for local
 * development and tests, and the API refuses AUTH_PROVIDER=dev in production.
 */
export const DEMO_USER: DevIdpUser = {
  sub: 'demo-user-0001',
  username: 'demo',
  password: 'demo-password',
  name: 'Dana Demo',
  givenName: 'Dana',
  familyName: 'Demo',
  email: 'demo@example.test',
  // Verified, so step-up codes can be sent there (MailDev catches them locally).
  emailVerified: true,
  roles: ['user', 'codes-reader'],
};

export const DEV_IDP_DEFAULT_AUDIENCE = 'integrated-auth-api';
const API_RESOURCE = 'urn:integrated-auth:api';


export async function generateSigningKeys(): Promise<JWK[]> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return [{ ...jwk, kid: createHash('sha256').update(JSON.stringify(jwk.n)).digest('base64url').slice(0, 16), alg: 'RS256', use: 'sig' }];
}

/** Builds the oidc-provider instance (not listening). */
export async function createDevIdpProvider(options: DevIdpOptions): Promise<{ provider: Provider; keys: JWK[]; federatedClients: FederatedClient[] }> {
  const users = options.users ?? [DEMO_USER];
  const keys = options.keys ?? (await generateSigningKeys());
  const audience = options.apiAudience ?? DEV_IDP_DEFAULT_AUDIENCE;
  const ttl = options.ttl ?? {};
  const byId = new Map(users.map((u) => [u.sub, u]));
  const frontchannel = new Map(options.clients.flatMap((c) => (c.frontchannelLogoutUri ? [[c.clientId, c.frontchannelLogoutUri] as const] : [])));
  const federatedClients: FederatedClient[] = [];
  const registrations = options.clients.map((c) => {
    const auth = devIdpClientAuth(c);
    const internalSecret = randomBytes(32).toString('base64url');
    if (auth.method === 'federated') federatedClients.push({ clientId: c.clientId, credential: auth.credential, internalSecret });
    return { client: c, auth: authRegistration(auth, internalSecret) };
  });

  const configuration: Configuration = {
    ...(options.clientAuthMethods ? { clientAuthMethods: options.clientAuthMethods as Configuration['clientAuthMethods'] } : {}),
    clients: registrations.map(({ client: c, auth }) => ({
      client_id: c.clientId,
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris,
      grant_types: [...new Set(['authorization_code', 'refresh_token', TOKEN_EXCHANGE_GRANT, JWT_BEARER_GRANT, ...(c.extraGrantTypes ?? [])])],
      response_types: ['code'],
      ...auth,
      ...(c.backchannelLogoutUri
        ? { backchannel_logout_uri: c.backchannelLogoutUri, backchannel_logout_session_required: true }
        : {}),
    })),
    jwks: { keys },
    // oidc-provider refuses to fetch from loopback addresses (SSRF protection), but a local app's
    // JWKS URL (private_key_jwt) is exactly that: the dev IdP only ever runs beside the local app.
    fetch: (input: string | URL | Request, init?: RequestInit) => {
      const { dispatcher: _ssrfGuard, ...rest } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
      return fetch(input, rest);
    },
    cookies: { keys: [createHash('sha256').update(`dev-idp-cookies:${options.issuer}`).digest('base64url')] },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'email', 'phone', 'offline_access', 'roles'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      email: ['email', 'email_verified'],
      phone: ['phone_number', 'phone_number_verified'],
      roles: ['realm_access'],
    },
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // Submit the "sign me out" form at once (the app already asked the user to log out), once
        // the front-channel logout frames of the session's clients have loaded (or 3 s have passed).
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          const frames = frontchannelFrames(ctx, frontchannel);
          ctx.body = `<!doctype html><html><head><meta charset="utf-8"><title>Signing out</title></head><body>${form}
<p>Signing you out…</p><button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
${frames.map((src) => `<iframe class="frontchannel-logout" src="${escapeAttribute(src)}" width="0" height="0" style="display:none"></iframe>`).join('\n')}
<script>var f=document.getElementById('op.logoutForm');var i=document.createElement('input');i.type='hidden';i.name='logout';i.value='yes';f.appendChild(i);
var frames=document.querySelectorAll('iframe.frontchannel-logout'),left=frames.length,done=false;
function go(){if(!done){done=true;f.submit();}}
frames.forEach(function(fr){fr.addEventListener('load',function(){if(--left<=0)go();});});
if(!left)go();setTimeout(go,3000);</script></body></html>`;
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.body = page('Signed out', html`<p>You are signed out of the dev IdP.</p>`);
        },
      },
      backchannelLogout: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: options.revocation ?? true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'api',
          audience,
          accessTokenTTL: ttl.accessToken ?? 300,
          ...(options.accessTokenFormat === 'opaque' ? { accessTokenFormat: 'opaque' } : { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
        }),
      },
    },
    ttl: {
      AccessToken: ttl.accessToken ?? 300,
      IdToken: ttl.idToken ?? 300,
      RefreshToken: ttl.refreshToken ?? 8 * 3600,
      Session: ttl.session ?? 8 * 3600,
      Interaction: 600,
      Grant: 8 * 3600,
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // false: oidc-provider's default (rotate only late in the token's life or for public clients).
    ...(options.rotateRefreshToken === false ? {} : { rotateRefreshToken: true }),
    // A first-party demo IdP: the app's scopes are granted without a consent screen.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const session = ctx.oidc.session!;
      const client = ctx.oidc.client!;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId! });
      grant.addOIDCScope('openid profile email phone offline_access roles');
      grant.addResourceScope(API_RESOURCE, 'api');
      await grant.save();
      session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
    extraTokenClaims: async (_ctx, token) => {
      const user = byId.get('accountId' in token ? (token.accountId ?? '') : '');
      if (!user) return undefined;
      const claims: Record<string, unknown> = { realm_access: { roles: user.roles }, preferred_username: user.username, name: user.name, email: user.email };
      // An exchanged token names the client that acted for the user (RFC 8693 `act`).
      if ('gty' in token && (token.gty === 'token-exchange' || token.gty === 'on-behalf-of')) claims.act = { sub: token.clientId };
      return claims;
    },
    findAccount: async (_ctx, sub) => {
      const user = byId.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          name: user.name,
          given_name: user.givenName,
          family_name: user.familyName,
          preferred_username: user.username,
          email: user.email,
          email_verified: user.emailVerified ?? true,
          ...(user.phoneNumber ? { phone_number: user.phoneNumber, phone_number_verified: user.phoneNumberVerified ?? true } : {}),
          realm_access: { roles: user.roles },
        }),
      };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Dev IdP error', html`<h1>Sign-in problem</h1><p>${String(out.error)}: ${String(out.error_description ?? '')}</p>`);
    },
  };
  const provider = new Provider(options.issuer, configuration);
  // Plain http on localhost: the provider must not insist on https cookies.
  provider.proxy = true;
  // ID tokens name the IdP session (`sid`) for every client, as Keycloak's and Entra's do:
  // oidc-provider only adds it for back-channel clients, and front-channel logout needs it too.
  provider.Client.prototype.includeSid = () => true;
  registerTokenExchange(provider, {
    apiAudience: audience,
    audiences: options.exchangeAudiences ?? DEV_IDP_DEMO_AUDIENCES,
    keys,
    accessTokenTtlSeconds: ttl.accessToken ?? 300,
  });
  return { provider, keys, federatedClients };
}

/** The front-channel logout URLs (with `iss` and the client's `sid`) of the clients the ending IdP session signed in to. */
function frontchannelFrames(ctx: KoaContextWithOIDC, frontchannel: ReadonlyMap<string, string>): string[] {
  const session = ctx.oidc.session;
  if (!session) return [];
  return [...frontchannel].flatMap(([clientId, uri]) => {
    const sid = session.sidFor(clientId);
    if (!sid) return [];
    const url = new URL(uri);
    url.searchParams.set('iss', ctx.oidc.provider.issuer);
    url.searchParams.set('sid', sid);
    return [url.href];
  });
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
