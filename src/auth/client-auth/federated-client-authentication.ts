import type { ClientAuth } from 'openid-client';
import type { TokenCredential } from '@azure/identity';
import { ClientAuthentication } from './client-authentication.js';
import { JWT_BEARER_ASSERTION_TYPE } from './client-assertion-signer.js';

/**
 * AUTH_CLIENT_AUTH=federated: the client assertion is a token of the app's own Azure identity
 * (managed identity, workload identity) for `api://AzureADTokenExchange/.default`: Entra's
 * "managed identity as a federated credential", or any IdP told to trust that token's issuer and
 * subject. No secret or key is held by the app; the credential caches the token and renews it.
 */
export class FederatedClientAuthentication extends ClientAuthentication {
  readonly method = 'federated';
  readonly clientAuth: ClientAuth;

  constructor(
    private readonly credential: () => TokenCredential,
    /** The token's scope (AUTH_CLIENT_ASSERTION_SCOPE). */
    readonly scope: string,
  ) {
    super();
    this.clientAuth = async (_as, client, body) => {
      const assertion = await this.assertion();
      body.set('client_id', client.client_id);
      body.set('client_assertion_type', JWT_BEARER_ASSERTION_TYPE);
      body.set('client_assertion', assertion);
    };
  }

  /** The identity's current token for the scope (the credential caches and renews it). */
  async assertion(): Promise<string> {
    const token = await this.credential().getToken(this.scope);
    if (!token?.token) throw new Error(`the Azure credential returned no token for ${this.scope}`);
    return token.token;
  }
}
