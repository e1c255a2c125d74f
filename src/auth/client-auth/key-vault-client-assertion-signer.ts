import { createHash } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import { CryptographyClient, KeyClient, type KeyVaultKey } from '@azure/keyvault-keys';
import { isRestError } from '@azure/core-rest-pipeline';
import { calculateJwkThumbprint, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';
import type { Clock } from '../../common/clock.js';
import { describeKeyVaultFailure } from '../../secrets/key-vault-secret-store.js';
import { ClientAssertionSigner } from './client-assertion-signer.js';
import { ClientKeyUnavailableError, ClientKeyUnusableError } from './client-auth.errors.js';

/** How long the current key version (and the published JWKS) is trusted before Key Vault is asked again. */
export const KEY_VERSION_CACHE_MS = 5 * 60_000;
/** Enabled versions published in the JWKS: the current one and the ones before it, for IdPs caching keys across a rotation. */
const PUBLISHED_VERSIONS = 3;

export interface KeyVaultSignerOptions {
  vaultUrl: string;
  keyName: string;
  credential: TokenCredential;
  disableChallengeResourceVerification: boolean;
  retryDelayMs: number;
}

interface CurrentKey {
  kid: string;
  crypto: CryptographyClient;
  readAt: number;
}

/**
 * private_key_jwt signed by a Key Vault RSA key (RS256) through CryptographyClient with the app's
 * managed identity: the vault signs the SHA-256 digest of header.payload, so the private key never
 * leaves it (the identity needs "Key Vault Crypto User" on the key). The current version is
 * re-read every KEY_VERSION_CACHE_MS, so `az keyvault key rotate` is picked up live; the JWKS lists
 * the enabled versions (current first), each with its RFC 7638 thumbprint as `kid`.
 */
export class KeyVaultClientAssertionSigner extends ClientAssertionSigner {
  readonly kind = 'keyvault';
  private readonly keys: KeyClient;
  private current?: Promise<CurrentKey>;
  private jwks?: { value: Promise<JSONWebKeySet>; readAt: number };

  constructor(
    private readonly options: KeyVaultSignerOptions,
    private readonly clock: Clock,
  ) {
    super();
    this.keys = new KeyClient(options.vaultUrl, options.credential, this.clientOptions());
  }

  async sign(claims: JWTPayload): Promise<string> {
    const key = await this.currentKey();
    const input = `${base64url({ alg: 'RS256', kid: key.kid, typ: 'JWT' })}.${base64url(claims)}`;
    try {
      const { result } = await key.crypto.sign('RS256', createHash('sha256').update(input).digest());
      return `${input}.${Buffer.from(result).toString('base64url')}`;
    } catch (error) {
      // A version disabled or deleted since it was read: ask for the current one next time.
      this.current = undefined;
      throw this.unavailable('sign with', error);
    }
  }

  async publicJwks(): Promise<JSONWebKeySet> {
    if (!this.jwks || this.clock.now() - this.jwks.readAt >= KEY_VERSION_CACHE_MS) {
      const value = this.readJwks();
      this.jwks = { value, readAt: this.clock.now() };
      value.catch(() => (this.jwks = undefined));
    }
    return this.jwks.value;
  }

  private currentKey(): Promise<CurrentKey> {
    const cached = this.current;
    if (cached) {
      return cached.then((key) => {
        if (this.clock.now() - key.readAt < KEY_VERSION_CACHE_MS) return key;
        if (this.current === cached) this.current = undefined;
        return this.currentKey();
      });
    }
    const reading = this.readCurrent();
    this.current = reading;
    reading.catch(() => {
      if (this.current === reading) this.current = undefined;
    });
    return reading;
  }

  private async readCurrent(): Promise<CurrentKey> {
    const key = await this.keys.getKey(this.options.keyName).catch((error: unknown) => {
      throw this.unavailable('read', error);
    });
    const jwk = await toPublicJwk(this.options.keyName, key);
    return { kid: jwk.kid!, crypto: new CryptographyClient(key.id!, this.options.credential, this.clientOptions()), readAt: this.clock.now() };
  }

  private async readJwks(): Promise<JSONWebKeySet> {
    const name = this.options.keyName;
    const now = this.clock.now();
    const versions: { version: string; created: number }[] = [];
    try {
      // The current version first (what signs now), then the newest enabled others.
      const current = await this.keys.getKey(name);
      for await (const p of this.keys.listPropertiesOfKeyVersions(name)) {
        if (p.version === current.properties.version) continue;
        if (p.enabled === false || (p.expiresOn && p.expiresOn.getTime() <= now) || (p.notBefore && p.notBefore.getTime() > now)) continue;
        versions.push({ version: p.version!, created: p.createdOn?.getTime() ?? 0 });
      }
      versions.sort((a, b) => b.created - a.created);
      const earlier = await Promise.all(versions.slice(0, PUBLISHED_VERSIONS - 1).map(async ({ version }) => this.keys.getKey(name, { version })));
      return { keys: await Promise.all([current, ...earlier].map((key) => toPublicJwk(name, key))) };
    } catch (error) {
      if (error instanceof ClientKeyUnusableError) throw error;
      throw this.unavailable('list the versions of', error);
    }
  }

  private clientOptions() {
    const delay = this.options.retryDelayMs;
    return {
      disableChallengeResourceVerification: this.options.disableChallengeResourceVerification,
      retryOptions: { maxRetries: 3, retryDelayInMs: delay, maxRetryDelayInMs: delay * 8 },
    };
  }

  private unavailable(operation: string, error: unknown): Error {
    if (error instanceof ClientKeyUnavailableError || error instanceof ClientKeyUnusableError) return error;
    // The SDK refuses some operations itself (a key whose key_ops lack `sign`): its message says which, and carries no secret.
    const local = !isRestError(error) && error instanceof Error && error.name === 'Error' ? `: ${error.message}` : '';
    return new ClientKeyUnavailableError(this.options.keyName, `could not ${operation} key "${this.options.keyName}" in Key Vault: ${describeKeyVaultFailure(error)}${local}`, {
      cause: error,
    });
  }
}

/** Whether a Key Vault call failed because the identity lacks the role (403) or the key is missing (404). */
export function keyVaultStatus(error: unknown): number | undefined {
  const cause = (error as { cause?: unknown }).cause ?? error;
  return isRestError(cause) ? cause.statusCode : undefined;
}

async function toPublicJwk(name: string, key: KeyVaultKey): Promise<JWK> {
  if (!['RSA', 'RSA-HSM'].includes(String(key.keyType)) || !key.key?.n || !key.key.e) {
    throw new ClientKeyUnusableError(name, `Key Vault key type ${String(key.keyType)} cannot sign RS256 (create an RSA key)`);
  }
  const jwk: JWK = { kty: 'RSA', n: Buffer.from(key.key.n).toString('base64url'), e: Buffer.from(key.key.e).toString('base64url') };
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
