import type { ClientAuth } from 'openid-client';
import type { JSONWebKeySet } from 'jose';
import type { Clock } from '../../common/clock.js';
import { ClientAuthentication, type RequiredClientSecret } from './client-authentication.js';
import { type ClientAssertionSigner, JWT_BEARER_ASSERTION_TYPE, assertionClaims } from './client-assertion-signer.js';

/**
 * AUTH_CLIENT_AUTH=private_key_jwt (RFC 7523): each request carries a new assertion signed by the
 * app's key (Key Vault in Azure, the local secret store locally). The IdP holds only the public
 * key, from the JWKS this app serves (GET /.well-known/jwks.json) or one registered by hand.
 * Assertions are never logged.
 */
export class PrivateKeyJwtClientAuthentication extends ClientAuthentication {
  readonly method = 'private_key_jwt';
  readonly clientAuth: ClientAuth;

  constructor(
    /** The key it signs with (the doctor checks it can). */
    readonly signer: ClientAssertionSigner,
    clock: Clock,
  ) {
    super();
    this.clientAuth = async (as, client, body) => {
      const assertion = await this.signer.sign(assertionClaims(client.client_id, as.issuer, Math.floor(clock.now() / 1000)));
      body.set('client_id', client.client_id);
      body.set('client_assertion_type', JWT_BEARER_ASSERTION_TYPE);
      body.set('client_assertion', assertion);
    };
  }

  override requiredSecrets(): RequiredClientSecret[] {
    return this.signer.requiredSecrets();
  }

  override publicJwks(): Promise<JSONWebKeySet> {
    return this.signer.publicJwks();
  }
}
