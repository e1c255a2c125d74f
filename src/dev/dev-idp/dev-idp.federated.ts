import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { FederatedClient } from './dev-idp.provider.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** oidc-provider reads at most this much of a form body; so does this. */
const BODY_LIMIT = 56 * 1024;

/**
 * Entra's federated identity credential, for the dev IdP: a client may authenticate with a token
 * of another issuer (a managed identity's, for `api://AzureADTokenExchange`) as its
 * `client_assertion`. oidc-provider has no such method, so this runs in front of it on the token,
 * introspection and revocation endpoints: it verifies the assertion as Entra does (signature
 * against the issuer's published keys, `iss`, `sub`, `aud`, expiry), then hands oidc-provider the
 * request with the client's internal secret instead, which never leaves this process. A bad
 * assertion is answered 401 `invalid_client` here. Requests of other clients pass unchanged.
 */
export class FederatedClientAuth {
  private readonly keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  constructor(
    private readonly clients: readonly FederatedClient[],
    private readonly fetchJson: (url: string) => Promise<unknown> = async (url) => (await fetch(url)).json(),
  ) {}

  get enabled(): boolean {
    return this.clients.length > 0;
  }

  /**
   * For a POST to the token endpoints: reads the form body and leaves it on `req.body` (rewritten
   * for a federated client) for oidc-provider. Returns false when it has answered the request itself.
   */
  async prepare(req: IncomingMessage & { body?: Record<string, string> }, res: ServerResponse): Promise<boolean> {
    if (!this.enabled || req.method !== 'POST' || !/^\/token(\/|$)/.test(new URL(req.url ?? '/', 'http://x').pathname)) return true;
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return true;
    const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
    req.body = params;
    if (params.client_assertion_type !== JWT_BEARER || !params.client_assertion) return true;
    const client = this.clients.find((c) => c.clientId === params.client_id);
    if (!client) return true; // someone else's private_key_jwt: oidc-provider checks it
    try {
      await this.verify(client, params.client_assertion);
    } catch (error) {
      res.writeHead(401, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ error: 'invalid_client', error_description: `federated credential refused: ${(error as Error).message}` }));
      return false;
    }
    const { client_assertion: _assertion, client_assertion_type: _type, ...rest } = params;
    req.body = { ...rest, client_id: client.clientId, client_secret: client.internalSecret };
    return true;
  }

  private async verify(client: FederatedClient, assertion: string): Promise<void> {
    const { issuer, subject, audience } = client.credential;
    if (decodeJwt(assertion).iss !== issuer) throw new Error(`the assertion's issuer is not ${issuer}`);
    await jwtVerify(assertion, await this.keySet(issuer), { issuer, subject, audience, algorithms: ['RS256', 'PS256', 'ES256'] });
  }

  private async keySet(issuer: string): Promise<ReturnType<typeof createRemoteJWKSet>> {
    let keys = this.keySets.get(issuer);
    if (!keys) {
      const discovery = (await this.fetchJson(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`)) as { issuer?: string; jwks_uri?: string };
      if (discovery.issuer !== issuer || !discovery.jwks_uri) throw new Error(`the issuer ${issuer} publishes no usable discovery document`);
      keys = createRemoteJWKSet(new URL(discovery.jwks_uri));
      this.keySets.set(issuer, keys);
    }
    return keys;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw new Error('request entity too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
