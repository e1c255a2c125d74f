import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, type JSONWebKeySet, type JWK, type JWTPayload, SignJWT } from 'jose';
import type { SecretsService } from '../../secrets/secrets.service.js';
import { ClientAssertionSigner } from './client-assertion-signer.js';
import type { RequiredClientSecret } from './client-authentication.js';
import { ClientKeyUnusableError } from './client-auth.errors.js';

interface LoadedKey {
  /** The secret's value it was made from: a rotated secret makes a new key. */
  source: string;
  privateKey: KeyObject;
  alg: 'RS256' | 'ES256';
  publicJwk: JWK;
}

/**
 * private_key_jwt's key from the local secret store (`SECRET_OIDC_CLIENT_KEY` or
 * `SECRET_OIDC_CLIENT_KEY_FILE`, named by OIDC_CLIENT_KEY_NAME): a private JWK (JSON) or a PKCS#8
 * PEM, RSA (RS256, at least 2048 bits) or EC P-256 (ES256). The `kid` is the JWK's own, else its
 * RFC 7638 thumbprint. Read through SecretsService, so a rotated file is picked up like any secret.
 */
export class LocalClientAssertionSigner extends ClientAssertionSigner {
  readonly kind = 'local';
  private loaded?: LoadedKey;

  constructor(
    private readonly secrets: Pick<SecretsService, 'get'>,
    private readonly keyName: string,
  ) {
    super();
  }

  async sign(claims: JWTPayload): Promise<string> {
    const key = await this.key();
    return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.publicJwk.kid!, typ: 'JWT' }).sign(key.privateKey);
  }

  async publicJwks(): Promise<JSONWebKeySet> {
    return { keys: [(await this.key()).publicJwk] };
  }

  override requiredSecrets(): RequiredClientSecret[] {
    return [{ name: this.keyName, variable: 'OIDC_CLIENT_KEY_NAME' }];
  }

  private async key(): Promise<LoadedKey> {
    const source = await this.secrets.get(this.keyName);
    if (this.loaded?.source !== source) this.loaded = await parsePrivateKey(this.keyName, source);
    return this.loaded;
  }
}

/** A private JWK or PKCS#8 PEM, as the local secret store holds it; the error names what is wrong, never the key. */
export async function parsePrivateKey(name: string, source: string): Promise<LoadedKey> {
  let privateKey: KeyObject;
  let kid: string | undefined;
  try {
    if (source.trimStart().startsWith('{')) {
      const jwk = JSON.parse(source) as JWK;
      if (!jwk.d) throw new ClientKeyUnusableError(name, 'the JWK has no private part ("d")');
      kid = jwk.kid;
      privateKey = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    } else {
      privateKey = createPrivateKey(source);
    }
  } catch (error) {
    if (error instanceof ClientKeyUnusableError) throw error;
    throw new ClientKeyUnusableError(name, 'not a private JWK or a PKCS#8 PEM key');
  }
  const details = privateKey.asymmetricKeyDetails ?? {};
  let alg: LoadedKey['alg'];
  if (privateKey.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 2048) alg = 'RS256';
  else if (privateKey.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') alg = 'ES256';
  else throw new ClientKeyUnusableError(name, 'use an RSA key of at least 2048 bits (RS256) or an EC P-256 key (ES256)');
  const { d: _private, ...jwk } = await exportJWK(createPublicKey(privateKey));
  void _private;
  const publicJwk: JWK = { ...jwk, kid: kid ?? (await calculateJwkThumbprint(jwk)), alg, use: 'sig' };
  return { source, privateKey, alg, publicJwk };
}
