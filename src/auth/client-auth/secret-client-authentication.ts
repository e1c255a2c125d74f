import { type ClientAuth, ClientSecretBasic, ClientSecretPost } from 'openid-client';
import type { SecretsService } from '../../secrets/secrets.service.js';
import { ClientAuthentication, type RequiredClientSecret } from './client-authentication.js';

/**
 * AUTH_CLIENT_AUTH=client_secret_basic (HTTP Basic) or client_secret_post (in the form body), with
 * the secret read from the secret store on each call: SecretsService serves it from memory and
 * re-reads it after SECRETS_MAX_AGE_SECONDS, so a rotated secret is picked up without a restart.
 */
export class SecretClientAuthentication extends ClientAuthentication {
  readonly clientAuth: ClientAuth;

  constructor(
    readonly method: 'client_secret_basic' | 'client_secret_post',
    private readonly secrets: Pick<SecretsService, 'get'>,
    private readonly secretName: string,
  ) {
    super();
    const scheme = method === 'client_secret_post' ? ClientSecretPost : ClientSecretBasic;
    this.clientAuth = async (as, client, body, headers) => scheme(await this.secrets.get(this.secretName))(as, client, body, headers);
  }

  override requiredSecrets(): RequiredClientSecret[] {
    return [{ name: this.secretName, variable: 'OIDC_CLIENT_SECRET_NAME' }];
  }
}
