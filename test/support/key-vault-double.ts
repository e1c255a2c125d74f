import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { trustTestCertificate } from './tls.js';

export type VaultFault = { status: number; retryAfterSeconds?: number; times: number };

interface SecretVersion {
  version: string;
  value: string;
  enabled: boolean;
  /** Seconds since the epoch; strictly increasing per secret, so the order of versions is the order of writes. */
  created: number;
}

/**
 * A Key Vault double speaking the secrets REST protocol over HTTPS, including the authentication
 * handshake: an unauthenticated request gets 401 with `WWW-Authenticate: Bearer authorization=...,
 * resource=https://vault.azure.net`; a request with a bearer token issued by the paired managed
 * identity endpoint gets the secret. Used with the real SecretClient and DefaultAzureCredential.
 */
export class KeyVaultDouble {
  /** The current value of each secret; setting a new value here is a new version (like `az keyvault secret set`). */
  readonly secrets = new Map<string, string>();
  /** Every version of each secret, oldest first (kept in step with `secrets`). */
  private readonly history = new Map<string, SecretVersion[]>();
  readonly tenantId = '72f988bf-0000-0000-0000-000000000000';
  /** GETs of secrets that carried a valid token (what counts against Key Vault's limits). */
  secretReads = 0;
  challenges = 0;
  tokenRequests = 0;
  private faults: VaultFault[] = [];
  /**
   * Tokens issued by any double in this process: like one Entra tenant behind several vaults. The
   * SDK's managed-identity token cache can outlive a test file's module registry in a Jest worker,
   * so the set lives on globalThis and every double accepts every token any double issued.
   */
  private static readonly issuedTokens: Set<string> = ((globalThis as { __keyVaultDoubleTokens?: Set<string> }).__keyVaultDoubleTokens ??=
    new Set<string>());
  private vault?: HttpsServer;
  private identity?: Server;
  readonly identityHeader = randomUUID();

  get vaultUrl(): string {
    return `https://127.0.0.1:${(this.vault!.address() as AddressInfo).port}`;
  }

  /** `IDENTITY_ENDPOINT`: App Service's managed identity token endpoint. */
  get identityEndpoint(): string {
    return `http://127.0.0.1:${(this.identity!.address() as AddressInfo).port}/msi/token`;
  }

  /** Answers the next `times` authenticated secret GETs with `status` (429, 500, …). */
  failNext(fault: VaultFault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** A new version of the secret, which becomes its current value (`az keyvault secret set`). Returns its version id. */
  setSecret(name: string, value: string): string {
    this.secrets.set(name, value);
    return this.versionsOf(name).at(-1)!.version;
  }

  /** The version ids of a secret, oldest first. */
  secretVersions(name: string): string[] {
    return this.versionsOf(name).map((v) => v.version);
  }

  /** Disables one version (`az keyvault secret set-attributes --enabled false`): it is no longer read or listed as enabled. */
  disableSecretVersion(name: string, version: string): void {
    const found = this.versionsOf(name).find((v) => v.version === version);
    if (!found) throw new Error(`no version ${version} of secret ${name}`);
    found.enabled = false;
  }

  /** The versions of `name`, with a new one recorded whenever `secrets` was given a value the last version does not hold. */
  private versionsOf(name: string): SecretVersion[] {
    const versions = this.history.get(name) ?? [];
    this.history.set(name, versions);
    const value = this.secrets.get(name);
    if (value === undefined) return []; // deleted from `secrets`: gone, as after `az keyvault secret delete`
    const last = versions.at(-1);
    if (last?.value !== value) {
      versions.push({ version: randomUUID().replace(/-/g, ''), value, enabled: true, created: Math.max(Math.floor(Date.now() / 1000), (last?.created ?? 0) + 1) });
    }
    return versions;
  }

  async start(): Promise<this> {
    const tls = await trustTestCertificate();
    this.vault = createHttpsServer({ cert: tls.cert, key: tls.key }, (req, res) => this.handleVault(req, res));
    this.identity = createHttpServer((req, res) => this.handleIdentity(req, res));
    this.vault.listen(0, '127.0.0.1');
    this.identity.listen(0, '127.0.0.1');
    await Promise.all([once(this.vault, 'listening'), once(this.identity, 'listening')]);
    return this;
  }

  /** Environment for DefaultAzureCredential's managed identity (App Service form). */
  credentialEnv(): Record<string, string> {
    return { IDENTITY_ENDPOINT: this.identityEndpoint, IDENTITY_HEADER: this.identityHeader };
  }

  async stop(): Promise<void> {
    for (const server of [this.vault, this.identity]) {
      if (!server?.listening) continue;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  private handleIdentity(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/msi/token' || req.headers['x-identity-header'] !== this.identityHeader) {
      res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"bad_request"}');
      return;
    }
    this.tokenRequests++;
    const token = `kv-double-token-${randomUUID()}`;
    KeyVaultDouble.issuedTokens.add(token);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(
      JSON.stringify({
        access_token: token,
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource: url.searchParams.get('resource') ?? 'https://vault.azure.net',
        token_type: 'Bearer',
      }),
    );
  }

  private handleVault(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const url = new URL(req.url ?? '/', this.vaultUrl);
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!KeyVaultDouble.issuedTokens.has(token)) {
      this.challenges++;
      res.writeHead(401, {
        'WWW-Authenticate': `Bearer authorization="https://login.microsoftonline.com/${this.tenantId}", resource="https://vault.azure.net"`,
        'Content-Type': 'application/json',
      });
      res.end(JSON.stringify({ error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } }));
      return;
    }
    const list = /^\/secrets\/([0-9a-zA-Z-]+)\/versions$/.exec(url.pathname);
    const match = list ? null : /^\/secrets\/([0-9a-zA-Z-]+)\/?([0-9a-f]*)$/.exec(url.pathname);
    if (req.method !== 'GET' || !(match || list) || !url.searchParams.get('api-version')) {
      res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: 'BadParameter', message: 'bad request' } }));
      return;
    }
    const fault = this.faults[0];
    if (fault) {
      if (--fault.times <= 0) this.faults.shift();
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
      res.writeHead(fault.status, headers).end(JSON.stringify({ error: { code: 'Throttled', message: 'double fault' } }));
      return;
    }
    const name = (list ?? match)![1]!;
    const versions = this.versionsOf(name);
    const notFound = (): void => {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({ error: { code: 'SecretNotFound', message: `A secret with (name/id) ${name} was not found in this key vault.` } }),
      );
    };
    if (list) {
      if (!versions.length) return notFound();
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(
        JSON.stringify({ value: versions.map((v) => ({ id: `${this.vaultUrl}/secrets/${name}/${v.version}`, attributes: attributesOf(v) })), nextLink: null }),
      );
      return;
    }
    this.secretReads++;
    const wanted = match![2];
    const found = wanted ? versions.find((v) => v.version === wanted) : versions.at(-1);
    if (!found) return notFound();
    if (!found.enabled) {
      res.writeHead(403, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({ error: { code: 'Forbidden', message: 'Operation get is not allowed on a disabled secret.', innererror: { code: 'SecretDisabled' } } }),
      );
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(
      JSON.stringify({ value: found.value, id: `${this.vaultUrl}/secrets/${name}/${found.version}`, attributes: attributesOf(found), tags: {} }),
    );
  }
}

function attributesOf(v: SecretVersion): object {
  return { enabled: v.enabled, created: v.created, updated: v.created, recoveryLevel: 'Recoverable+Purgeable' };
}
