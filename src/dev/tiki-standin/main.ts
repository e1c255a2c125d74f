import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config/load-config.js';
import { ConfigValidationError } from '../../config/config.errors.js';
import { secretsConfigSection } from '../../secrets/secrets.config.js';
import { createSecretStore } from '../../secrets/secret-store.factory.js';
import { tiniAppConfigSection } from '../../tiniapp/tiniapp.config.js';
import { tikiStandinConfigSection } from './tiki-standin.config.js';
import { TikiStandin, createTikiStandinServer } from './tiki-standin.server.js';

/**
 * Entry point of the local Tiki platform API stand-in (`node dist/dev/tiki-standin/main.js`). It accepts the
 * app's own client key and secret (TINIAPP_CLIENT_KEY / CLIENT_KEY; the secret directly or from the
 * same secret store), so the app's signed calls verify as they would at Tiki.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env, [tikiStandinConfigSection, tiniAppConfigSection, secretsConfigSection]);
  const { host, port, basePath } = config.get(tikiStandinConfigSection);
  const tiniApp = config.get(tiniAppConfigSection);
  if (!tiniApp.enabled) throw new ConfigValidationError(['CLIENT_KEY (or TINIAPP_CLIENT_KEY): is required by the Tiki stand-in, with the client secret and AUTH_ENDPOINT']);
  const store = createSecretStore(config.get(secretsConfigSection));
  const secret = () => (tiniApp.clientSecret !== undefined ? Promise.resolve(tiniApp.clientSecret) : store.read(tiniApp.clientSecretName));
  await secret(); // fail fast with a clear message when the secret is not configured
  const standin = new TikiStandin({ basePath, secretFor: async (key) => (key === tiniApp.clientKey ? secret() : undefined) });
  const server = createTikiStandinServer(standin);
  server.listen(port, host);
  await once(server, 'listening');
  const base = `http://${host}:${(server.address() as AddressInfo).port}${basePath}`;
  console.log(JSON.stringify({ level: 'info', msg: `Tiki stand-in listening on ${base} (mint an auth code: POST ${base}/_standin/auth_codes)` }));
  const stop = () => server.close(() => process.exit(0)).closeIdleConnections();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) console.error(error.message);
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`Tiki stand-in: port ${(error as { port?: number }).port} is already in use.`);
  else console.error(`Tiki stand-in failed to start: ${(error as Error).message}`);
  process.exit(1);
});
