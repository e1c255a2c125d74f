import { type ClientAuth, None } from 'openid-client';
import { ClientAuthentication } from './client-authentication.js';

/** AUTH_CLIENT_AUTH=none: a public client (PKCE only) sends its client_id and nothing else. */
export class PublicClientAuthentication extends ClientAuthentication {
  readonly method = 'none';
  readonly clientAuth: ClientAuth = None();
}
