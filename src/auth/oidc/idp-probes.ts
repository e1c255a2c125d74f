import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import * as client from 'openid-client';
import { Clock } from '../../common/clock.js';
import { type CheckResult, fail, ok, warn } from '../../doctor/doctor-check.js';
import { describeOidcError, OidcClient } from './oidc-client.js';
import { type ClientAuthMethod, OidcConfig } from './oidc.config.js';

/** A discovery document read once is reused by the checks of one run (and readiness) this long. */
const DISCOVERY_REUSE_MS = 5000;
const PROBE_TIMEOUT_MS = 8000;

interface Discovered {
  url: string;
  metadata?: client.ServerMetadata;
  /** The IdP's `Date` header, epoch ms. */
  idpDate?: number;
  /** Why it could not be read. */
  problem?: string;
}

/**
 * How an IdP says no to an authorization request whose redirect_uri (or client) it does not know:
 * Keycloak's error page, Entra's AADSTS codes, oidc-provider's error. Keycloak's users call the
 * first the most common error of all; the doctor names it before a user meets it.
 */
const REFUSALS: ReadonlyArray<{ pattern: RegExp; what: string; about: 'redirect' | 'client' }> = [
  { pattern: /Invalid parameter: redirect_uri/i, what: 'Keycloak: "Invalid parameter: redirect_uri"', about: 'redirect' },
  { pattern: /AADSTS50011/, what: 'Entra AADSTS50011 (the redirect URI does not match the app registration)', about: 'redirect' },
  { pattern: /redirect_uri did not match|invalid_redirect_uri/i, what: 'invalid_redirect_uri', about: 'redirect' },
  { pattern: /Client not found|Invalid client/i, what: 'Keycloak: client not found', about: 'client' },
  { pattern: /AADSTS700016/, what: 'Entra AADSTS700016 (no such application in the tenant)', about: 'client' },
  { pattern: /invalid_client|client is invalid/i, what: 'invalid_client (the IdP does not know this client)', about: 'client' },
];

/** The method as an IdP's discovery lists it: a federated credential is sent as a jwt-bearer client assertion (private_key_jwt). */
export function wireMethod(method: ClientAuthMethod): string {
  return method === 'federated' ? 'private_key_jwt' : method;
}

/**
 * What the doctor and readiness ask the IdP: its discovery document (reachable, the configured
 * issuer, the client's method offered, logout and introspection endpoints), its keys, whether it
 * accepts the app's redirect URI and credentials, and its clock. Read as the app reads it (the
 * discovery URL, each endpoint override), through the app's own Configuration for the token request.
 */
@Injectable()
export class IdpProbes {
  private discovered?: { at: number; value: Promise<Discovered> };

  constructor(
    private readonly config: OidcConfig,
    private readonly oidc: OidcClient,
    private readonly clock: Clock,
  ) {}

  /** The variable(s) that make the issuer, for fix lines. */
  get issuerVariable(): string {
    switch (this.config.provider) {
      case 'keycloak':
        return 'KEYCLOAK_URL, KEYCLOAK_REALM';
      case 'entra':
        return 'ENTRA_TENANT_ID';
      default:
        return 'OIDC_ISSUER_URL';
    }
  }

  async discovery(): Promise<CheckResult> {
    const found = await this.discover();
    const variable = this.config.discoveryUrl ? 'OIDC_DISCOVERY_URL' : this.issuerVariable;
    if (found.problem) return fail(`cannot read ${found.url}: ${found.problem}`, 'start the IdP or correct its address', variable);
    return ok(`${found.url} answers`);
  }

  async issuer(): Promise<CheckResult> {
    const metadata = await this.metadata();
    if (!metadata) return this.notChecked();
    if (metadata.issuer !== this.config.issuer) {
      return fail(
        `the IdP names issuer ${String(metadata.issuer)}, the configuration expects ${this.config.issuer}`,
        'set the issuer the IdP publishes (the browser-facing URL, exactly)',
        this.issuerVariable,
      );
    }
    return ok(`issuer ${this.config.issuer}`);
  }

  async clientAuthMethod(): Promise<CheckResult> {
    const metadata = await this.metadata();
    if (!metadata) return this.notChecked();
    const method = this.config.clientAuth;
    const wire = wireMethod(method);
    // RFC 8414: an IdP that lists none supports client_secret_basic.
    const offered = (metadata.token_endpoint_auth_methods_supported as string[] | undefined) ?? ['client_secret_basic'];
    if (!offered.includes(wire)) {
      return fail(
        `the IdP offers ${offered.join(', ')}; AUTH_CLIENT_AUTH=${method}${wire !== method ? ` (sent as ${wire})` : ''} is not among them`,
        `choose a method it offers, or enable ${wire} at the IdP`,
        'AUTH_CLIENT_AUTH',
      );
    }
    return ok(`the IdP offers ${wire} (AUTH_CLIENT_AUTH=${method})`);
  }

  async jwks(): Promise<CheckResult> {
    const metadata = await this.metadata();
    if (!metadata) return this.notChecked();
    const uri = metadata.jwks_uri;
    const variable = this.config.endpoints.jwks_uri ? 'OIDC_JWKS_URL' : this.issuerVariable;
    if (!uri) return fail('the discovery document has no jwks_uri', 'set OIDC_JWKS_URL to the IdP\'s key set', 'OIDC_JWKS_URL');
    try {
      const res = await fetch(uri, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      if (!res.ok) return fail(`${uri} answered HTTP ${res.status}`, 'point it at the IdP\'s key set', variable);
      const keys = ((await res.json()) as { keys?: unknown[] }).keys;
      if (!Array.isArray(keys) || !keys.length) return fail(`${uri} lists no keys`, 'the IdP must publish its signing keys', variable);
      return ok(`${keys.length} signing key(s) at ${uri}`);
    } catch (error) {
      return fail(`cannot read ${uri}: ${describeFetchError(error)}`, 'check the JWKS URL is reachable from this host', variable);
    }
  }

  async endSession(): Promise<CheckResult> {
    const metadata = await this.metadata();
    if (!metadata) return this.notChecked();
    if (!metadata.end_session_endpoint) {
      return warn('the IdP publishes no end_session_endpoint: logging out ends only this app\'s session', 'set OIDC_END_SESSION_URL if the IdP has one', 'OIDC_END_SESSION_URL');
    }
    return ok(`RP-initiated logout at ${metadata.end_session_endpoint}`);
  }

  async backChannelLogout(): Promise<CheckResult> {
    const metadata = await this.metadata();
    if (!metadata) return this.notChecked();
    if (metadata.backchannel_logout_supported !== true) {
      const entra = this.config.provider === 'entra' ? ' (Entra has none)' : '';
      return warn(`the IdP does not offer back-channel logout${entra}: a logout elsewhere leaves sessions here until they expire`, 'shorten AUTH_SESSION_IDLE_SECONDS if that matters', 'AUTH_SESSION_IDLE_SECONDS');
    }
    return ok('back-channel logout offered (register /auth/backchannel-logout at the IdP)');
  }

  /** Whether the IdP has an introspection endpoint, for AUTH_BEARER=introspection (the bearer room asks). */
  async introspection(): Promise<CheckResult> {
    const metadata = await this.metadata();
    if (!metadata) return this.notChecked();
    if (!metadata.introspection_endpoint) {
      return fail('AUTH_BEARER=introspection, but the IdP publishes no introspection_endpoint', 'set OIDC_INTROSPECTION_URL, or use AUTH_BEARER=jwt', 'OIDC_INTROSPECTION_URL');
    }
    return ok(`introspection at ${metadata.introspection_endpoint}`);
  }

  /**
   * The authorization endpoint asked with the real redirect_uri (and PKCE, state, nonce), without
   * following the answer: a login page or a redirect on is acceptance; Keycloak's, Entra's and
   * oidc-provider's refusals are recognised and named.
   */
  async redirectUri(): Promise<CheckResult> {
    const metadata = await this.metadata();
    if (!metadata) return this.notChecked();
    if (!metadata.authorization_endpoint) return fail('the discovery document has no authorization_endpoint', 'set OIDC_AUTHORIZATION_URL', 'OIDC_AUTHORIZATION_URL');
    const redirectUri = this.config.redirectUri;
    const url = new URL(metadata.authorization_endpoint);
    const verifier = randomBytes(32).toString('base64url');
    for (const [name, value] of Object.entries({
      client_id: this.config.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: this.config.scopes,
      state: `doctor-${randomBytes(8).toString('hex')}`,
      nonce: randomBytes(8).toString('hex'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    })) {
      url.searchParams.set(name, value);
    }
    let res: Response;
    try {
      res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    } catch (error) {
      return fail(`cannot reach ${metadata.authorization_endpoint}: ${describeFetchError(error)}`, 'check the authorization endpoint is reachable', 'OIDC_AUTHORIZATION_URL');
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      const next = new URL(location, url);
      if (`${next.origin}${next.pathname}` === redirectUri) {
        const error = next.searchParams.get('error');
        if (error) return warn(`redirect_uri accepted, but the IdP answered ${error}: ${next.searchParams.get('error_description') ?? ''}`.trim(), 'see the IdP\'s client settings (scopes, grant types)', 'OIDC_SCOPES');
      }
      return ok(`${redirectUri} accepted (the IdP went on to sign-in)`);
    }
    const body = await res.text().catch(() => '');
    const refusal = REFUSALS.find((r) => r.pattern.test(body));
    if (refusal?.about === 'redirect') {
      return fail(
        `the IdP refuses redirect_uri ${redirectUri} (${refusal.what})`,
        `register ${redirectUri} as a redirect URI of client ${this.config.clientId} at the IdP, or set PUBLIC_BASE_URL to the address it has`,
        'PUBLIC_BASE_URL',
      );
    }
    if (refusal?.about === 'client') {
      return fail(`the IdP does not know client ${this.config.clientId} (${refusal.what})`, 'register the client at the IdP, or correct the client id', 'OIDC_CLIENT_ID');
    }
    if (res.status >= 400) return fail(`the authorization request was refused (HTTP ${res.status})`, 'open the URL /auth/login sends you to and read the IdP\'s error', 'PUBLIC_BASE_URL');
    return ok(`${redirectUri} accepted (the IdP showed its sign-in page)`);
  }

  /**
   * A token request that proves the client authenticates: a refresh grant with a made-up refresh
   * token, through the app's own Configuration. IdPs authenticate the client first, so
   * `invalid_grant` means the credentials were accepted and only the made-up token refused.
   */
  async clientCredentials(): Promise<CheckResult> {
    const method = this.config.clientAuth;
    if (method === 'none') return ok('a public client (AUTH_CLIENT_AUTH=none) sends no credential');
    if (!(await this.metadata())) return this.notChecked();
    const fixes: Record<Exclude<ClientAuthMethod, 'none'>, [string, string]> = {
      client_secret_basic: ['store the secret the IdP has for this client under that name in the secret store', 'OIDC_CLIENT_SECRET_NAME'],
      client_secret_post: ['store the secret the IdP has for this client under that name in the secret store', 'OIDC_CLIENT_SECRET_NAME'],
      private_key_jwt: ['register this app\'s JWKS URL (/.well-known/jwks.json) or its printed JWKS at the IdP (Keycloak: Credentials → Signed JWT)', 'OIDC_CLIENT_KEY_NAME'],
      federated: ['add a federated credential for this identity (issuer, subject = its principal id, audience api://AzureADTokenExchange) to the app registration', 'AUTH_CLIENT_AUTH'],
    };
    const [fix, variable] = fixes[method];
    try {
      await client.refreshTokenGrant(await this.oidc.configuration(), `doctor-probe-${randomBytes(12).toString('hex')}`);
      return warn('the IdP accepted a made-up refresh token', 'this IdP does not check refresh tokens: report it', 'AUTH_CLIENT_AUTH');
    } catch (error) {
      const e = error as { error?: string; status?: number; cause?: { status?: number } };
      if (e.error === 'invalid_grant') return ok(`the IdP authenticated the client (AUTH_CLIENT_AUTH=${method}) and refused only the probe's made-up refresh token`);
      const status = e.status ?? e.cause?.status;
      if (e.error === 'invalid_client' || e.error === 'unauthorized_client' || status === 401) {
        return fail(`the IdP refused the client's credentials (${describeOidcError(error)})`, fix, variable);
      }
      return fail(`the token request failed before the IdP could judge the client: ${describeOidcError(error)}`, fix, variable);
    }
  }

  /** The IdP's clock (its `Date` header) against this host's: ID and logout tokens are checked with AUTH_CLOCK_TOLERANCE_SECONDS. */
  async clockSkew(): Promise<CheckResult> {
    const found = await this.discover();
    if (found.idpDate === undefined) return this.notChecked();
    const skew = Math.round((this.clock.now() - found.idpDate) / 1000);
    const tolerance = this.config.clockToleranceSeconds;
    const said = `this host's clock is ${Math.abs(skew)} s ${skew >= 0 ? 'ahead of' : 'behind'} the IdP's`;
    if (Math.abs(skew) > tolerance) return fail(`${said}, beyond AUTH_CLOCK_TOLERANCE_SECONDS=${tolerance}: tokens will be refused`, 'synchronise this host\'s clock (NTP)', 'AUTH_CLOCK_TOLERANCE_SECONDS');
    if (Math.abs(skew) > 5) return warn(`${said}`, 'synchronise this host\'s clock (NTP)', 'AUTH_CLOCK_TOLERANCE_SECONDS');
    return ok(`${said} (the Date header's resolution is 1 s)`);
  }

  /** For readiness: throws the first of discovery, issuer and JWKS that fails. */
  async ready(): Promise<void> {
    for (const result of [await this.discovery(), await this.issuer(), await this.jwks()]) {
      if (result.status === 'fail') throw new Error(result.found);
    }
  }

  private async metadata(): Promise<client.ServerMetadata | undefined> {
    return (await this.discover()).metadata;
  }

  private notChecked(): CheckResult {
    return warn('not checked: the discovery document could not be read (see idp.discovery)');
  }

  private discover(): Promise<Discovered> {
    const now = this.clock.now();
    if (!this.discovered || now - this.discovered.at >= DISCOVERY_REUSE_MS) this.discovered = { at: now, value: this.readDiscovery() };
    return this.discovered.value;
  }

  private async readDiscovery(): Promise<Discovered> {
    const base = this.config.discoveryUrl ?? this.config.issuer;
    const url = base.includes('/.well-known/') ? base : `${base.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      const date = res.headers.get('date');
      const idpDate = date ? Date.parse(date) : undefined;
      if (!res.ok) return { url, idpDate, problem: `HTTP ${res.status}` };
      const document = (await res.json()) as client.ServerMetadata;
      if (typeof document.issuer !== 'string') return { url, idpDate, problem: 'not a discovery document (no issuer)' };
      // The app's endpoint overrides (split internal/public hosts) win, as in the app's Configuration.
      return { url, idpDate, metadata: { ...document, ...this.config.endpoints } };
    } catch (error) {
      return { url, problem: describeFetchError(error) };
    }
  }
}

/** `ECONNREFUSED`, `timed out`: never a URL with credentials, never a body. */
function describeFetchError(error: unknown): string {
  const e = error as { name?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timed out';
  return e.cause?.code ?? e.cause?.message ?? (error as Error).message ?? 'network error';
}
