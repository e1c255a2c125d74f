import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config/load-config.js';
import { ConfigValidationError } from '../../config/config.errors.js';
import type { ConfigSection } from '../../config/config-section.js';
import type { StandinServiceConfig } from './standin-service.config.js';
import { createStandinServer } from './standin-service.server.js';

/** Entry point body of a downstream stand-in (`node dist/dev/<service>/main.js`): its section, its server, a JSON line per call. */
export function runStandin(service: string, section: ConfigSection<StandinServiceConfig>, answer: (id: number) => Record<string, unknown> | undefined): void {
  const main = async () => {
    const config = loadConfig(process.env, [section]).get(section);
    const log = (line: Record<string, unknown>) => console.log(JSON.stringify(line));
    const server = createStandinServer({ service, audience: config.audience, issuer: config.issuer, ...(config.jwksUrl ? { jwksUrl: config.jwksUrl } : {}), answer, log });
    server.listen(config.port, config.host);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    log({ level: 'info', msg: `${service} stand-in listening on http://${config.host}:${port}/${service}/0 (audience ${config.audience})` });
    const stop = () => server.close(() => process.exit(0)).closeIdleConnections();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  };
  main().catch((error: unknown) => {
    if (error instanceof ConfigValidationError) console.error(error.message);
    else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`${service} stand-in: port ${(error as { port?: number }).port} is already in use.`);
    else console.error(`${service} stand-in failed to start: ${(error as Error).message}`);
    process.exit(1);
  });
}
