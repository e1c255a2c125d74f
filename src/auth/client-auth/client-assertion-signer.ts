import { randomBytes } from 'node:crypto';
import type { JSONWebKeySet, JWTPayload } from 'jose';
import type { RequiredClientSecret } from './client-authentication.js';

/** RFC 7523's client assertion type: the `client_assertion` is a JWT. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** An assertion is good for this long: a minute covers clock skew and the request, no more. */
export const ASSERTION_LIFETIME_SECONDS = 60;

/**
 * The key private_key_jwt signs with (contract: abstract class = type + DI token). In Azure it is a
 * Key Vault key, signing in the vault through CryptographyClient; locally a private key from the
 * local secret store. Either way the app publishes only the public half (publicJwks).
 */
export abstract class ClientAssertionSigner {
  /** `keyvault` or `local`, for logs and the doctor. */
  abstract readonly kind: string;
  /** A compact JWS of `claims` under the current key, with `alg`, `kid` and `typ: JWT` in its header. */
  abstract sign(claims: JWTPayload): Promise<string>;
  /** The public keys an IdP should accept: the current one first, then still-enabled earlier versions. */
  abstract publicJwks(): Promise<JSONWebKeySet>;

  /** Secrets it reads from the secret store (readiness waits for them); a Key Vault key is not one. */
  requiredSecrets(): RequiredClientSecret[] {
    return [];
  }
}

/**
 * RFC 7523 / OIDC Core 9 claims for one request: `iss` = `sub` = the client, `aud` = the issuer
 * (what RFC 7523bis asks for; Keycloak and oidc-provider accept it), a unique `jti` and a short `exp`.
 * Built fresh for every request, so an IdP's replay check never sees one twice.
 */
export function assertionClaims(clientId: string, issuer: string, nowSeconds: number): JWTPayload {
  return {
    iss: clientId,
    sub: clientId,
    aud: issuer,
    jti: randomBytes(18).toString('base64url'),
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + ASSERTION_LIFETIME_SECONDS,
  };
}
