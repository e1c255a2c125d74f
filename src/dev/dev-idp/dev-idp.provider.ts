import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { html } from '../../common/views/html.js';
import { page } from '../../common/views/page.js';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

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

export interface DevIdpClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri?: string;
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
export async function createDevIdpProvider(options: DevIdpOptions): Promise<{ provider: Provider; keys: JWK[] }> {
  const users = options.users ?? [DEMO_USER];
  const keys = options.keys ?? (await generateSigningKeys());
  const audience = options.apiAudience ?? DEV_IDP_DEFAULT_AUDIENCE;
  const ttl = options.ttl ?? {};
  const byId = new Map(users.map((u) => [u.sub, u]));

  const configuration: Configuration = {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...(c.backchannelLogoutUri
        ? { backchannel_logout_uri: c.backchannelLogoutUri, backchannel_logout_session_required: true }
        : {}),
    })),
    jwks: { keys },
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
        // Submit the "sign me out" form at once: the app already asked the user to log out.
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.body = `<!doctype html><html><head><meta charset="utf-8"><title>Signing out</title></head><body>${form}
<p>Signing you out…</p><button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<script>var f=document.getElementById('op.logoutForm');var i=document.createElement('input');i.type='hidden';i.name='logout';i.value='yes';f.appendChild(i);f.submit();</script></body></html>`;
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.body = page('Signed out', html`<p>You are signed out of the dev IdP.</p>`);
        },
      },
      backchannelLogout: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
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
      return user ? { realm_access: { roles: user.roles }, preferred_username: user.username, name: user.name } : undefined;
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
  return { provider, keys };
}
