import type { ClientAuth } from 'openid-client';
import type { JSONWebKeySet } from 'jose';
import type { ClientAuthMethod } from '../oidc/oidc.config.js';

export interface RequiredClientSecret {
  name: string;
  variable: string;
}

/**
 * How this app proves it is the client, at every IdP endpoint it calls (contract: abstract class =
 * type + DI token). The one openid-client Configuration is built with `clientAuth`, so the code
 * grant, refresh, introspection, token exchange and revocation all authenticate the same way:
 * nothing else builds client authentication. oauth4webapi awaits a ClientAuth, so an
 * implementation may read a secret, sign in Key Vault or fetch a token per call.
 */
export abstract class ClientAuthentication {
  abstract readonly method: ClientAuthMethod;
  /** openid-client's ClientAuth: adds the credential to each request's body or headers. */
  abstract readonly clientAuth: ClientAuth;

  /** Secrets this method cannot work without, with the variable naming each (read at start; readiness reports them until loaded). */
  requiredSecrets(): RequiredClientSecret[] {
    return [];
  }

  /** The public keys an IdP verifies this client's assertions with (private_key_jwt), else undefined. */
  publicJwks(): Promise<JSONWebKeySet | undefined> {
    return Promise.resolve(undefined);
  }
}
