import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants, createHash, generateKeyPair, privateEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { KeyVaultDouble, type VaultFault } from './key-vault-double.js';

export interface KeyVaultKeyOptions {
  keySize?: 2048 | 3072 | 4096;
  /** Key operations the key allows (`az keyvault key create --ops`); Key Vault refuses the others. */
  keyOps?: string[];
  /** Seconds since the epoch. */
  expiresOn?: number;
  notBefore?: number;
}

interface KeyVersion {
  version: string;
  keySize: 2048 | 3072 | 4096;
  privateKey: KeyObject;
  /** The public half as Key Vault returns it: base64url `n` and `e`. */
  n: string;
  e: string;
  keyOps: string[];
  enabled: boolean;
  created: number;
  expiresOn?: number;
  notBefore?: number;
}

/** The hash each signing algorithm signs, and its DigestInfo prefix for RSASSA-PKCS1-v1_5 (RFC 8017 §9.2). */
const ALGORITHMS: Record<string, { hash: 'sha256' | 'sha384' | 'sha512'; length: number; pss: boolean }> = {
  RS256: { hash: 'sha256', length: 32, pss: false },
  RS384: { hash: 'sha384', length: 48, pss: false },
  RS512: { hash: 'sha512', length: 64, pss: false },
  PS256: { hash: 'sha256', length: 32, pss: true },
  PS384: { hash: 'sha384', length: 48, pss: true },
  PS512: { hash: 'sha512', length: 64, pss: true },
};
const DIGEST_INFO: Record<string, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

/** Tokens every Key Vault double accepts (KeyVaultDouble's set; ManagedIdentityDouble adds its vault tokens). */
const vaultTokens: Set<string> = ((globalThis as { __keyVaultDoubleTokens?: Set<string> }).__keyVaultDoubleTokens ??= new Set());

/**
 * The Key Vault double with RSA keys as well as secrets, for the real KeyClient and CryptographyClient:
 * `GET /keys/{name}[/{version}]` (the public JWK only), `GET /keys/{name}/versions`, and
 * `POST /keys/{name}/{version}/sign` over a digest (RS256/384/512, PS256/384/512), behind the same
 * 401 challenge and managed-identity token check as the secrets. The test creates and rotates keys;
 * private keys never leave the double. Secrets, faults and counters of KeyVaultDouble work unchanged.
 */
export class KeyVaultKeysDouble extends KeyVaultDouble {
  /** Authenticated GETs of a key. */
  keyReads = 0;
  /** Signatures made, in order. */
  readonly signatures: { name: string; version: string; algorithm: string }[] = [];
  private readonly keys = new Map<string, KeyVersion[]>();
  private keyFaults: VaultFault[] = [];

  constructor() {
    super();
    // KeyVaultDouble's server calls this.handleVault per request: an own property in front of the
    // prototype's method sends /keys/ here and everything else (secrets) to the original. The e2e
    // test reads a secret through this double, so a rename there fails loudly here.
    const base = this as unknown as { handleVault(req: IncomingMessage, res: ServerResponse): void };
    const secrets = base.handleVault.bind(this);
    base.handleVault = (req, res) => ((req.url ?? '').startsWith('/keys/') ? this.handleKeys(req, res) : secrets(req, res));
  }

  /** Creates the key (or a new version of an existing one: a rotation) and returns the new version. */
  async createKey(name: string, options: KeyVaultKeyOptions = {}): Promise<string> {
    const keySize = options.keySize ?? 2048;
    const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: keySize, publicExponent: 0x10001 });
    const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    const version = randomBytes(16).toString('hex');
    const versions = this.keys.get(name) ?? [];
    versions.push({
      version,
      keySize,
      privateKey,
      n: jwk.n,
      e: jwk.e,
      keyOps: options.keyOps ?? ['sign', 'verify'],
      enabled: true,
      created: Math.floor(Date.now() / 1000),
      expiresOn: options.expiresOn,
      notBefore: options.notBefore,
    });
    this.keys.set(name, versions);
    return version;
  }

  /** A new current version with the same options as the current one (Key Vault's rotate). */
  async rotateKey(name: string): Promise<string> {
    const current = this.current(name);
    if (!current) throw new Error(`no key ${name} to rotate`);
    return this.createKey(name, { keyOps: current.keyOps, keySize: current.keySize });
  }

  /** Disables one version: Key Vault then refuses to read it or sign with it. */
  disableKeyVersion(name: string, version: string): void {
    const found = this.keys.get(name)?.find((v) => v.version === version);
    if (!found) throw new Error(`no version ${version} of key ${name}`);
    found.enabled = false;
  }

  /** `https://<vault>/keys/<name>/<version>`, the `kid` Key Vault gives the version (the current one by default). */
  keyId(name: string, version = this.current(name)?.version ?? ''): string {
    return `${this.vaultUrl}/keys/${name}/${version}`;
  }

  /** The public JWK of a version (JOSE form, `kid` = its key id), as a relying party would publish it. */
  publicJwk(name: string, version?: string): { kty: 'RSA'; n: string; e: string; kid: string } {
    const found = version ? this.keys.get(name)?.find((v) => v.version === version) : this.current(name);
    if (!found) throw new Error(`no key ${name}${version ? ` version ${version}` : ''}`);
    return { kty: 'RSA', n: found.n, e: found.e, kid: this.keyId(name, found.version) };
  }

  /** Answers the next `times` authenticated key requests with `status`. */
  failNextKeys(fault: VaultFault): void {
    this.keyFaults.push({ ...fault });
  }

  override clearFaults(): void {
    super.clearFaults();
    this.keyFaults = [];
  }

  private current(name: string): KeyVersion | undefined {
    return this.keys.get(name)?.findLast((v) => v.enabled);
  }

  private handleKeys(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.vaultUrl);
    const auth = req.headers.authorization ?? '';
    if (!vaultTokens.has(auth.startsWith('Bearer ') ? auth.slice(7) : '')) {
      // The SDK's first request carries no token (and no body): the challenge tells it where to get one.
      req.resume();
      this.challenges++;
      res.setHeader('WWW-Authenticate', `Bearer authorization="https://login.microsoftonline.com/${this.tenantId}", resource="https://vault.azure.net"`);
      return vaultError(res, 401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.');
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => this.answerKeys(req.method ?? 'GET', url, Buffer.concat(chunks).toString('utf8'), res));
  }

  private answerKeys(method: string, url: URL, body: string, res: ServerResponse): void {
    if (!url.searchParams.get('api-version')) return vaultError(res, 400, 'BadParameter', 'The api-version query parameter is required.');
    const fault = this.keyFaults[0];
    if (fault) {
      if (--fault.times <= 0) this.keyFaults.shift();
      if (fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      return vaultError(res, fault.status, fault.status === 429 ? 'Throttled' : 'InternalServerError', 'double fault');
    }
    const versions = /^\/keys\/([0-9a-zA-Z-]+)\/versions$/.exec(url.pathname);
    if (method === 'GET' && versions) return this.listVersions(res, versions[1]!);
    const get = /^\/keys\/([0-9a-zA-Z-]+)\/?([0-9a-f]*)$/.exec(url.pathname);
    if (method === 'GET' && get) return this.getKey(res, get[1]!, get[2]!);
    const sign = /^\/keys\/([0-9a-zA-Z-]+)\/([0-9a-f]*)\/sign$/.exec(url.pathname);
    if (method === 'POST' && sign) return this.sign(res, sign[1]!, sign[2]!, body);
    vaultError(res, 400, 'BadParameter', 'This double serves GET keys, GET key versions and POST sign.');
  }

  /** The version asked for (empty: the current one), or an error answer already sent. */
  private find(res: ServerResponse, name: string, version: string, operation: string): KeyVersion | undefined {
    const found = version ? this.keys.get(name)?.find((v) => v.version === version) : this.current(name);
    if (!found) {
      vaultError(res, 404, 'KeyNotFound', `A key with (name/id) ${name}${version ? `/${version}` : ''} was not found in this key vault.`);
      return undefined;
    }
    if (!found.enabled) {
      vaultError(res, 403, 'Forbidden', `Operation ${operation} is not allowed on a disabled key.`);
      return undefined;
    }
    return found;
  }

  private getKey(res: ServerResponse, name: string, version: string): void {
    const found = this.find(res, name, version, 'get');
    if (!found) return;
    this.keyReads++;
    json(res, 200, this.bundle(name, found));
  }

  private listVersions(res: ServerResponse, name: string): void {
    const versions = this.keys.get(name);
    if (!versions) return vaultError(res, 404, 'KeyNotFound', `A key with (name/id) ${name} was not found in this key vault.`);
    json(res, 200, { value: versions.map((v) => ({ kid: this.keyId(name, v.version), attributes: attributes(v), tags: {} })), nextLink: null });
  }

  private sign(res: ServerResponse, name: string, version: string, body: string): void {
    const found = this.find(res, name, version, 'sign');
    if (!found) return;
    if (!found.keyOps.includes('sign')) return vaultError(res, 403, 'Forbidden', 'Operation sign is not permitted on this key.');
    let request: { alg?: string; value?: string };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      return vaultError(res, 400, 'BadParameter', 'The request body is not valid JSON.');
    }
    const algorithm = ALGORITHMS[request.alg ?? ''];
    if (!algorithm) return vaultError(res, 400, 'BadParameter', `Algorithm ${request.alg} is not supported for an RSA key.`);
    const digest = Buffer.from(request.value ?? '', 'base64url');
    if (digest.length !== algorithm.length) return vaultError(res, 400, 'BadParameter', 'Invalid length of the digest for the algorithm.');
    const signature = algorithm.pss ? signPss(found.privateKey, algorithm.hash, digest) : signPkcs1(found.privateKey, algorithm.hash, digest);
    this.signatures.push({ name, version: found.version, algorithm: request.alg! });
    json(res, 200, { kid: this.keyId(name, found.version), value: signature.toString('base64url') });
  }

  private bundle(name: string, key: KeyVersion): object {
    return {
      key: { kid: this.keyId(name, key.version), kty: 'RSA', key_ops: key.keyOps, n: key.n, e: key.e },
      attributes: attributes(key),
      tags: {},
    };
  }
}

function attributes(key: KeyVersion): object {
  return {
    enabled: key.enabled,
    created: key.created,
    updated: key.created,
    ...(key.expiresOn ? { exp: key.expiresOn } : {}),
    ...(key.notBefore ? { nbf: key.notBefore } : {}),
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: 90,
  };
}

/** RSASSA-PKCS1-v1_5 over a digest: the DigestInfo, padded and raised with the private key. */
function signPkcs1(key: KeyObject, hash: string, digest: Buffer): Buffer {
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([Buffer.from(DIGEST_INFO[hash]!, 'hex'), digest]));
}

/** RSASSA-PSS over a digest (RFC 8017 §9.1.1, MGF1 with the same hash, salt as long as the hash, as JOSE's PS* require). */
function signPss(key: KeyObject, hash: string, digest: Buffer): Buffer {
  const modulusBits = key.asymmetricKeyDetails!.modulusLength!;
  const emBits = modulusBits - 1;
  const emLength = Math.ceil(emBits / 8);
  const hashLength = digest.length;
  const salt = randomBytes(hashLength);
  const h = createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLength - 2 * hashLength - 2), Buffer.from([1]), salt]);
  const mask = mgf1(hash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLength - emBits);
  const encoded = Buffer.concat([db, h, Buffer.from([0xbc])]);
  const modulusBytes = Math.ceil(modulusBits / 8);
  const block = Buffer.concat([Buffer.alloc(modulusBytes - encoded.length), encoded]);
  return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, block);
}

function mgf1(hash: string, seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * seed.length < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(createHash(hash).update(seed).update(c).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function vaultError(res: ServerResponse, status: number, code: string, message: string): void {
  json(res, status, { error: { code, message } });
}
