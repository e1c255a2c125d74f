import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, exportJWK, SignJWT, type JWK } from 'jose';
import { testCaFile } from './tls-ca-file.js';

/** What the double knows about a token it issued. */
export interface IssuedIdentityToken {
  /** The `resource` the client asked for, as sent (MSAL sends `https://communication.azure.com/`). */
  resource: string;
  /** The token's `aud`: the resource without a trailing slash. */
  audience: string;
  issuer: string;
  principalId: string;
  clientId: string;
  tenantId: string;
  /** Seconds since the epoch. */
  expiresOn: number;
}

export interface ManagedIdentityDoubleOptions {
  tenantId?: string;
  /** The tokens' `iss`. Default: this double's own `/{tenant}/v2.0`, whose discovery and JWKS it serves. */
  issuer?: string;
  lifetimeSeconds?: number;
  /** Claims added to every token, e.g. `() => ({ jti: randomUUID() })` for an IdP that wants one. */
  extraClaims?: (resource: string) => Record<string, unknown>;
}

export type IdentityFault = { status: number; times: number };

type Registry = Map<string, IssuedIdentityToken>;
/**
 * Tokens issued by any double in this process, as one Entra tenant would know them. The SDK's
 * managed-identity token cache can outlive a test file's module registry in a Jest worker (see
 * KeyVaultDouble), so a protocol double may be handed a token an earlier file's identity issued:
 * the registry lives on globalThis, and every double looks tokens up here.
 */
const registry: Registry = ((globalThis as { __managedIdentityDoubleTokens?: Registry }).__managedIdentityDoubleTokens ??= new Map());
/** KeyVaultDouble's own set: a vault token issued here is accepted by every Key Vault double. */
const keyVaultTokens: Set<string> = ((globalThis as { __keyVaultDoubleTokens?: Set<string> }).__keyVaultDoubleTokens ??= new Set());

const VAULT_RESOURCE = 'https://vault.azure.net';

/** `https://communication.azure.com/` and `https://communication.azure.com` name the same resource. */
export function sameResource(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/**
 * Azure App Service's managed-identity endpoint (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`,
 * api-version 2019-08-01), so the real DefaultAzureCredential gets its tokens here. Each token is an
 * RS256 JWT bound to the resource that was asked for (`aud`), with the identity as `sub`/`oid`; the
 * protocol doubles accept a token only for their own resource (tokenFor). The issuer's discovery
 * document and JWKS are served too, so an IdP can be told to trust these tokens as client assertions
 * (Entra's "managed identity as a federated credential": resource `api://AzureADTokenExchange`).
 */
export class ManagedIdentityDouble {
  readonly tenantId: string;
  /** The identity's object (principal) id: the tokens' `sub` and `oid`. */
  readonly principalId = randomUUID();
  /** The identity's client (application) id: the tokens' `appid` and `azp`. */
  readonly clientId = randomUUID();
  readonly identityHeader = randomUUID();
  /** Resources asked for, one entry per token issued, in order. */
  readonly requestedResources: string[] = [];
  private faults: IdentityFault[] = [];
  private server?: Server;
  private privateKey?: KeyObject;
  private publicJwk?: JWK;

  constructor(private readonly options: ManagedIdentityDoubleOptions = {}) {
    this.tenantId = options.tenantId ?? '72f988bf-0000-0000-0000-000000000000';
  }

  get tokenRequests(): number {
    return this.requestedResources.length;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** `IDENTITY_ENDPOINT`. */
  get endpoint(): string {
    return `${this.baseUrl}/msi/token`;
  }

  get issuer(): string {
    return this.options.issuer ?? `${this.baseUrl}/${this.tenantId}/v2.0`;
  }

  /** Where the tokens' signing keys are published (Entra's shape: `/{tenant}/discovery/v2.0/keys`). */
  get jwksUri(): string {
    return `${this.baseUrl}/${this.tenantId}/discovery/v2.0/keys`;
  }

  /** `{issuer}/.well-known/openid-configuration`, served when the issuer is this double's own. */
  get discoveryUrl(): string {
    return `${this.baseUrl}/${this.tenantId}/v2.0/.well-known/openid-configuration`;
  }

  /** The public signing key, as an IdP trusting this issuer would fetch it. */
  get jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk!] };
  }

  async start(): Promise<this> {
    const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    const jwk = await exportJWK(publicKey);
    this.publicJwk = { ...jwk, kid: await calculateJwkThumbprint(jwk), use: 'sig', alg: 'RS256' };
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** Environment for DefaultAzureCredential's managed identity (App Service form), in this process. */
  credentialEnv(): Record<string, string> {
    return { IDENTITY_ENDPOINT: this.endpoint, IDENTITY_HEADER: this.identityHeader };
  }

  /** credentialEnv() plus `NODE_EXTRA_CA_CERTS`, so a child process also trusts the HTTPS doubles. */
  async childProcessEnv(): Promise<Record<string, string>> {
    return { ...this.credentialEnv(), NODE_EXTRA_CA_CERTS: await testCaFile() };
  }

  /** A token for `resource` straight from the endpoint, for a test's own raw requests. */
  async requestToken(resource: string): Promise<string> {
    const url = `${this.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent(resource)}`;
    const response = await fetch(url, { headers: { 'X-IDENTITY-HEADER': this.identityHeader } });
    if (!response.ok) throw new Error(`identity double answered ${response.status}`);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  /**
   * Answers the next `times` token requests with `status` (an identity endpoint outage). The SDK retries
   * 5xx (and MSAL 404, 408 and 429) with backoff, 15-20 s in all; a 4xx such as 403 fails at once.
   */
  failNext(fault: IdentityFault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /**
   * The token in an `Authorization: Bearer …` header, if a managed-identity double issued it for
   * `resource` and it has not expired; undefined otherwise (the caller answers 401).
   */
  static tokenFor(authorization: string | undefined, resource: string): IssuedIdentityToken | undefined {
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    const issued = match ? registry.get(match[1]!) : undefined;
    if (!issued || !sameResource(issued.resource, resource)) return undefined;
    return issued.expiresOn > Date.now() / 1000 ? issued : undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.resume();
    const url = new URL(req.url ?? '/', this.baseUrl);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname === `/${this.tenantId}/v2.0/.well-known/openid-configuration`) {
      return json(200, {
        issuer: this.issuer,
        jwks_uri: this.jwksUri,
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token'],
        subject_types_supported: ['pairwise'],
      });
    }
    if (url.pathname === `/${this.tenantId}/discovery/v2.0/keys`) return json(200, this.jwks);
    if (url.pathname !== '/msi/token' || req.method !== 'GET') return json(404, { error: 'not_found' });
    // App Service answers a missing or wrong header, or another api-version, with 400.
    if (req.headers['x-identity-header'] !== this.identityHeader) {
      return json(400, { statusCode: 400, message: 'Required header X-IDENTITY-HEADER is missing or invalid.' });
    }
    const resource = url.searchParams.get('resource');
    if (url.searchParams.get('api-version') !== '2019-08-01' || !resource) {
      return json(400, { statusCode: 400, message: 'Required query parameters api-version=2019-08-01 and resource are missing or invalid.' });
    }
    const fault = this.faults[0];
    if (fault) {
      if (--fault.times <= 0) this.faults.shift();
      return json(fault.status, { statusCode: fault.status, message: 'identity double fault' });
    }
    this.requestedResources.push(resource);
    const now = Math.floor(Date.now() / 1000);
    const expiresOn = now + (this.options.lifetimeSeconds ?? 3600);
    const audience = resource.replace(/\/+$/, '');
    const token = await new SignJWT({
      oid: this.principalId,
      tid: this.tenantId,
      appid: this.clientId,
      azp: this.clientId,
      idtyp: 'app',
      uti: randomUUID(),
      ver: this.issuer.endsWith('/v2.0') ? '2.0' : '1.0',
      ...this.options.extraClaims?.(resource),
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.publicJwk!.kid! })
      .setIssuer(this.issuer)
      .setSubject(this.principalId)
      .setAudience(audience)
      .setIssuedAt(now)
      .setNotBefore(now - 300)
      .setExpirationTime(expiresOn)
      .sign(this.privateKey!);
    registry.set(token, {
      resource,
      audience,
      issuer: this.issuer,
      principalId: this.principalId,
      clientId: this.clientId,
      tenantId: this.tenantId,
      expiresOn,
    });
    if (sameResource(resource, VAULT_RESOURCE)) keyVaultTokens.add(token);
    json(200, { access_token: token, expires_on: String(expiresOn), resource, token_type: 'Bearer', client_id: this.clientId });
  }
}
