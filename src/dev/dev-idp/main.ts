import { ConfigValidationError } from '../../config/config.errors.js';
import { loadConfig } from '../../config/load-config.js';
import { DEMO_USER } from './dev-idp.provider.js';
import { startDevIdp } from './dev-idp.server.js';
import { devIdpClientFor, devIdpConfigSection } from './dev-idp.config.js';

/** The embedded development IdP (oidc-provider) for AUTH_PROVIDER=dev. Never for production. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, [devIdpConfigSection]).get(devIdpConfigSection);
  const idp = await startDevIdp({
    issuer: config.issuer,
    port: config.port,
    host: config.host,
    clients: [devIdpClientFor(config.appBaseUrl, config.clientId, config.clientAuth)],
    rotateRefreshToken: config.rotateRefreshToken,
  });
  // Why a client was refused (oidc-provider answers only "client authentication failed"): for the developer.
  for (const event of ['grant.error', 'introspection.error', 'revocation.error']) {
    (idp.provider as unknown as { on(event: string, listener: (ctx: unknown, error: Error) => void): void }).on(event, (_ctx, error) => {
      if ((error as { error?: string }).error === 'invalid_client') console.log(`Dev IdP refused the client (${event}): ${causes(error)}`);
    });
  }
  console.log(`Dev IdP listening on ${idp.issuer} (demo user "${DEMO_USER.username}", password "${DEMO_USER.password}"; client ${config.clientId} authenticates with ${config.clientAuth.method})`);
  const stop = () => {
    idp.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** An error and its causes, each by its description or message. */
function causes(error: unknown): string {
  const chain: string[] = [];
  for (let e = error as (Error & { error_description?: string }) | undefined; e && chain.length < 5; e = e.cause as typeof e) {
    chain.push(e.error_description ?? e.message);
  }
  return chain.join(': ');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error('Cannot listen: the dev IdP port is already in use.');
  else console.error('Dev IdP start-up failed:', error);
  process.exit(1);
});
