import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import type Provider from 'oidc-provider';
import { html } from '../../common/views/html.js';
import { handleDevIdpInteraction } from './dev-idp.interactions.js';
import { createDevIdpProvider, DEMO_USER, type DevIdpOptions } from './dev-idp.provider.js';
import { FederatedClientAuth } from './dev-idp.federated.js';

export interface RunningDevIdp {
  issuer: string;
  provider: Provider;
  server: Server;
  /** The private signing keys, so tests can mint tokens "from" this issuer. */
  keys: JWK[];
  close(): Promise<void>;
}

/** Starts the dev IdP on `port` (0 = a free one) and answers its own login form. */
export async function startDevIdp(options: Omit<DevIdpOptions, 'issuer'> & { issuer?: string; port?: number; host?: string }): Promise<RunningDevIdp> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = options.issuer ?? `http://${host}:${port}`;
  const users = options.users ?? [DEMO_USER];
  const { provider, keys, federatedClients } = await createDevIdpProvider({ ...options, issuer, users });
  const federated = new FederatedClientAuth(federatedClients);
  server.on('request', (req, res) => {
    // Composed per request (cheap), so middleware a test adds with provider.use() after start runs too.
    const callback = provider.callback();
    handleDevIdpInteraction(provider, users, req, res).then(
      async (handled) => {
        if (!handled && (await federated.prepare(req, res))) callback(req, res);
      },
      (error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
          res.end(html`<!doctype html><p>Sign-in problem: ${(error as Error).message}</p>`.markup);
        } else res.end();
      },
    );
  });
  return {
    issuer,
    provider,
    server,
    keys,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
