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
  console.log(`Dev IdP listening on ${idp.issuer} (demo user "${DEMO_USER.username}", password "${DEMO_USER.password}"; client ${config.clientId} authenticates with ${config.clientAuth.method})`);
  const stop = () => {
    idp.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error('Cannot listen: the dev IdP port is already in use.');
  else console.error('Dev IdP start-up failed:', error);
  process.exit(1);
});
