import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, importJWK, type JWK } from 'jose';
import { generateSigningKeys } from '../../../src/dev/dev-idp/dev-idp.provider.js';

/**
 * The metadata half of a Keycloak realm or an Entra tenant: an OpenID discovery document and a JWKS
 * at the paths the real services use, and a signer for tokens shaped like theirs. Enough for the
 * app's real discovery and Bearer checks; the login flow itself is covered against oidc-provider.
 */
export class IssuerDouble {
  private server?: Server;
  keys: JWK[] = [];
  origin = '';
  documents = new Map<string, Record<string, unknown>>();

  async start(): Promise<this> {
    this.keys = await generateSigningKeys();
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/jwks') return json(res, { keys: this.keys.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub }) => pub) });
      const doc = this.documents.get(path);
      if (doc) return json(res, doc);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Serves `<base>/.well-known/openid-configuration` naming `issuer`. */
  publish(base: string, issuer: string): void {
    this.documents.set(`${new URL(base).pathname.replace(/\/$/, '')}/.well-known/openid-configuration`, {
      issuer,
      authorization_endpoint: `${this.origin}/authorize`,
      token_endpoint: `${this.origin}/token`,
      jwks_uri: `${this.origin}/jwks`,
      end_session_endpoint: `${this.origin}/logout`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  }

  async sign(claims: Record<string, unknown>, expiresInSeconds = 300): Promise<string> {
    const key = this.keys[0]!;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
      .sign(await importJWK(key, 'RS256'));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

function json(res: import('node:http').ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
