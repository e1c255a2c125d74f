import { Injectable, Logger } from '@nestjs/common';
import * as client from 'openid-client';
import { createRemoteJWKSet, type JWTPayload } from 'jose';
import { Clock } from '../../common/clock.js';
import { ClientAuthentication } from '../client-auth/client-authentication.js';
import { IdentityProviderUnavailableError, LoginFailedError } from '../auth.errors.js';
import { type LogoutTokenFacts, verifyLogoutToken } from './logout-token.js';
import { OidcConfig } from './oidc.config.js';

export interface LoginStart {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** A token the IdP issued for another audience (token exchange or on-behalf-of). */
export interface ExchangedToken {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** How this IdP issues a token for another audience: RFC 8693 (Keycloak ≥ 26.2 and others) or Entra's on-behalf-of. */
export type ExchangeGrant = 'token-exchange' | 'on-behalf-of';

const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

export interface TokenSet {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  /** Verified ID token claims. */
  claims: Record<string, unknown>;
}

/**
 * The app as an OIDC relying party, on openid-client v6. One implementation for Keycloak, Entra,
 * the dev IdP and any issuer: metadata comes from discovery (optionally fetched from an internal
 * host), and each endpoint can be overridden so the browser goes to the public host while the
 * server talks to the in-cluster one. An instance is one IdP, by the OidcConfig it is given: its
 * discovery and keys are its own, so several IdPs can be clients side by side.
 *
 * Its one openid-client Configuration carries the client authentication (ClientAuthentication,
 * AUTH_CLIENT_AUTH): every call made with it (code grant, refresh, introspection, token exchange,
 * revocation) authenticates the same way, so no caller builds client authentication of its own.
 */
@Injectable()
export class OidcClient {
  private readonly logger = new Logger(OidcClient.name);
  private configPromise?: Promise<client.Configuration>;
  private jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    private readonly config: OidcConfig,
    private readonly clientAuthentication: ClientAuthentication,
    private readonly clock: Clock,
  ) {}

  /** Which IdP this is (metrics and logs). */
  get provider(): string {
    return this.config.provider;
  }

  /** Discovers once; a failed discovery is retried on the next call. */
  configuration(): Promise<client.Configuration> {
    this.configPromise ??= this.discover().catch((error: unknown) => {
      this.configPromise = undefined;
      if (error instanceof IdentityProviderUnavailableError) throw error;
      throw new IdentityProviderUnavailableError(`discovery failed: ${(error as Error).message}`, { cause: error });
    });
    return this.configPromise;
  }

  private async discover(): Promise<client.Configuration> {
    const c = this.config;
    const auth = this.clientAuthentication.clientAuth;
    const clientMetadata: Partial<client.ClientMetadata> = { [client.clockTolerance]: c.clockToleranceSeconds };
    const options = c.allowHttp ? { execute: [client.allowInsecureRequests] } : undefined;
    let configuration: client.Configuration;
    if (!c.discoveryUrl && !c.issuer.includes('{tenantid}')) {
      configuration = await client.discovery(new URL(c.issuer), c.clientId, clientMetadata, auth, options);
    } else {
      // Metadata from another host (internal Service, or Entra's tenant-specific document for a
      // multi-tenant app): its issuer must still be the one we expect.
      const url = new URL(c.discoveryUrl ?? c.issuer);
      const found = await client.discovery(url, c.clientId, clientMetadata, auth, options).catch(async (error: unknown) => {
        // openid-client insists the document's issuer equals the URL; fetch it directly instead.
        const doc = (await (await fetch(new URL('.well-known/openid-configuration', url.href.endsWith('/') ? url : `${url.href}/`))).json()) as client.ServerMetadata;
        if (!doc.issuer) throw error;
        return new client.Configuration(doc, c.clientId, clientMetadata, auth);
      });
      configuration = found;
    }
    const { supportsPKCE: _ignored, ...discovered } = configuration.serverMetadata();
    const metadata: client.ServerMetadata = { ...discovered, ...c.endpoints };
    if (metadata.issuer !== c.issuer) {
      throw new IdentityProviderUnavailableError(`the IdP's metadata names issuer ${metadata.issuer}, expected ${c.issuer}`);
    }
    // Rebuilt only for split endpoints: a discovered Entra multi-tenant configuration keeps
    // openid-client's own `{tenantid}` matching of the ID token's issuer against its `tid`.
    if (Object.keys(c.endpoints).length) {
      configuration = new client.Configuration(metadata, c.clientId, clientMetadata, auth);
    }
    if (c.allowHttp) client.allowInsecureRequests(configuration);
    // openid-client 6 trusts the TLS channel to the token endpoint instead of the ID token's
    // signature. Split internal endpoints over plain HTTP (the local Kubernetes overlay) have no
    // such channel, and a proxy in the path could re-sign the ID token: check it against the JWKS.
    client.enableNonRepudiationChecks(configuration);
    this.logger.log(`OIDC issuer ${c.issuer} ready (token endpoint ${metadata.token_endpoint})`);
    return configuration;
  }

  async startLogin(extra: Record<string, string> = {}): Promise<LoginStart> {
    const configuration = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.redirectUri,
      scope: this.config.scopes,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...extra,
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /** Exchanges the code; the ID token's issuer, audience, nonce, expiry and signature (JWKS) are checked. */
  async finishLogin(callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }): Promise<TokenSet> {
    const configuration = await this.configuration();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw new LoginFailedError(describeOidcError(error), 'Sign-in did not complete.', { cause: error });
    }
    const claims = tokens.claims() as Record<string, unknown> | undefined;
    if (!claims || !tokens.id_token) throw new LoginFailedError('no ID token in the token response');
    this.checkTenant(claims);
    return this.toTokenSet(tokens, claims);
  }

  async refresh(refreshToken: string): Promise<TokenSet> {
    const configuration = await this.configuration();
    const tokens = await client.refreshTokenGrant(configuration, refreshToken);
    const claims = (tokens.claims() as Record<string, unknown> | undefined) ?? {};
    return this.toTokenSet(tokens, claims);
  }

  /**
   * A token for `audience` on behalf of the user whose access token (for this API) is
   * `subjectToken`, through the one Configuration (its client authentication included):
   * - `token-exchange` (RFC 8693): the subject token and `audience`;
   * - `on-behalf-of` (Entra): the jwt-bearer grant with `requested_token_use=on_behalf_of` and the
   *   scope `api://<audience>/.default` (an audience that is already an `api://` URI is used as is).
   */
  async exchangeToken(subjectToken: string, audience: string, grant: ExchangeGrant): Promise<ExchangedToken> {
    const configuration = await this.configuration();
    const tokens =
      grant === 'on-behalf-of'
        ? await client.genericGrantRequest(configuration, JWT_BEARER_GRANT, {
            assertion: subjectToken,
            requested_token_use: 'on_behalf_of',
            scope: `${audience.startsWith('api://') ? audience : `api://${audience}`}/.default`,
          })
        : await client.genericGrantRequest(configuration, TOKEN_EXCHANGE_GRANT, {
            subject_token: subjectToken,
            subject_token_type: ACCESS_TOKEN_TYPE,
            requested_token_type: ACCESS_TOKEN_TYPE,
            audience,
          });
    return { accessToken: tokens.access_token, expiresAt: this.clock.now() + (tokens.expiresIn() ?? 300) * 1000 };
  }

  /**
   * RFC 7009: asks the IdP to revoke `token` (a refresh token revokes its whole grant at most IdPs).
   * False when the IdP offers no revocation endpoint (Entra), so nothing was asked.
   */
  async revoke(token: string, hint: 'refresh_token' | 'access_token'): Promise<boolean> {
    const configuration = await this.configuration();
    if (!configuration.serverMetadata().revocation_endpoint) return false;
    await client.tokenRevocation(configuration, token, { token_type_hint: hint });
    return true;
  }

  async endSessionUrl(idTokenHint: string | undefined, postLogoutRedirectUri: string): Promise<string | undefined> {
    const configuration = await this.configuration();
    if (!configuration.serverMetadata().end_session_endpoint) return undefined;
    // Keycloak ≥ 18 and Entra both take id_token_hint + client_id + post_logout_redirect_uri.
    const params: Record<string, string> = { client_id: this.config.clientId, post_logout_redirect_uri: postLogoutRedirectUri };
    if (idTokenHint) params.id_token_hint = idTokenHint;
    return client.buildEndSessionUrl(configuration, params).href;
  }

  async introspect(token: string): Promise<Record<string, unknown>> {
    const configuration = await this.configuration();
    return (await client.tokenIntrospection(configuration, token)) as Record<string, unknown>;
  }

  /** The issuer's signing keys (cached and refreshed on an unknown `kid` by jose). */
  async keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (!this.jwks) {
      const uri = (await this.configuration()).serverMetadata().jwks_uri;
      if (!uri) throw new IdentityProviderUnavailableError('the IdP publishes no jwks_uri');
      this.jwks = createRemoteJWKSet(new URL(uri), { cooldownDuration: 30_000, timeoutDuration: 5000 });
    }
    return this.jwks;
  }

  /** The issuers a token may name: the configured one, or Entra's template filled with the token's tenant. */
  expectedIssuers(claims: JWTPayload): string[] {
    const issuer = this.config.issuer;
    if (!issuer.includes('{tenantid}')) return [issuer];
    const tid = typeof claims.tid === 'string' ? claims.tid : '';
    if (!tid) return [];
    const v1 = issuer.replace(/\/\{tenantid\}\/v2\.0$/, '').replace('login.microsoftonline.com', 'sts.windows.net');
    return [issuer.replace('{tenantid}', tid), `${v1}/${tid}/`];
  }

  /** Whether `iss` names this IdP (Entra multi-tenant: the template with an allowed tenant). */
  isIssuer(iss: string): boolean {
    const issuer = this.config.issuer;
    if (!issuer.includes('{tenantid}')) return iss === issuer;
    const [before, after] = issuer.split('{tenantid}') as [string, string];
    if (!iss.startsWith(before) || !iss.endsWith(after)) return false;
    const tid = iss.slice(before.length, iss.length - after.length);
    return /^[\w-]+$/.test(tid) && this.tenantAllowed({ tid });
  }

  /** Where the IdP's pages are served to browsers: the issuer's origin, and the browser-facing endpoints' when configured apart. */
  browserOrigins(): string[] {
    const urls = [this.config.issuer.replace('{tenantid}', 'common'), this.config.endpoints.authorization_endpoint, this.config.endpoints.end_session_endpoint];
    return [...new Set(urls.filter((u): u is string => !!u && URL.canParse(u)).map((u) => new URL(u).origin))];
  }

  /** Entra multi-tenant: whether the token's tenant is one of ENTRA_ALLOWED_TENANTS (always, when none are listed). */
  tenantAllowed(claims: Record<string, unknown>): boolean {
    return !this.config.allowedTenants.length || (typeof claims.tid === 'string' && this.config.allowedTenants.includes(claims.tid));
  }

  checkTenant(claims: Record<string, unknown>): void {
    if (!this.tenantAllowed(claims)) {
      throw new LoginFailedError(`tenant ${String(claims.tid)} is not in ENTRA_ALLOWED_TENANTS`, 'Your organisation is not allowed to sign in here.');
    }
  }

  /** A back-channel logout token of this IdP, verified (the one verification, logout-token.ts): what ending and replay need. */
  async verifyLogoutToken(token: string, algorithms: readonly string[]): Promise<LogoutTokenFacts> {
    return verifyLogoutToken(token, {
      keys: await this.keySet(),
      expectedIssuers: (claims) => this.expectedIssuers(claims),
      audience: this.config.clientId,
      algorithms,
      clockToleranceSeconds: this.config.clockToleranceSeconds,
      tenantAllowed: (claims) => this.tenantAllowed(claims),
      nowSeconds: Math.floor(this.clock.now() / 1000),
    });
  }

  private toTokenSet(tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers, claims: Record<string, unknown>): TokenSet {
    const expiresIn = tokens.expiresIn();
    return {
      idToken: tokens.id_token ?? '',
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      expiresAt: this.clock.now() + (expiresIn ?? 300) * 1000,
      claims,
    };
  }
}

/** A short, safe explanation of why openid-client refused a response (logged, not shown). */
export function describeOidcError(error: unknown): string {
  const e = error as { code?: string; error?: string; error_description?: string; message?: string; cause?: unknown };
  if (e.error) return `${e.error}${e.error_description ? `: ${e.error_description}` : ''}`;
  return `${e.code ?? 'error'}: ${e.message ?? String(error)}`;
}
