import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config/load-config.js';
import { ConfigValidationError } from '../../config/config.errors.js';
import { secretsConfigSection } from '../../secrets/secrets.config.js';
import { createSecretStore } from '../../secrets/secret-store.factory.js';
import { numberApiServerConfigSection } from './number-api-server.config.js';
import { createNumberApiServer } from './number-api.server.js';

/**
 * Entry point of the third-party number API stand-in (`node dist/dev/number-api/main.js`). Its function key
 * comes from the same secret store as the app's (SECRETS_PROVIDER), so both agree on it.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env, [numberApiServerConfigSection, secretsConfigSection]);
  const { host, port, secretName, keepAliveTimeoutMs } = config.get(numberApiServerConfigSection);
  const store = createSecretStore(config.get(secretsConfigSection));
  await store.read(secretName); // fail fast with a clear message when the key is not configured
  const server = createNumberApiServer({ key: () => store.read(secretName), keepAliveTimeoutMs });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  console.log(JSON.stringify({ level: 'info', msg: `Number API listening on http://${host}:${address.port}/api/RandomNumber` }));
  const stop = () => server.close(() => process.exit(0)).closeIdleConnections();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`Number API: port ${(error as { port?: number }).port} is already in use.`);
  else console.error(`Number API failed to start: ${(error as Error).message}`);
  process.exit(1);
});
