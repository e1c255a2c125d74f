import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { bearerMatches } from './metrics.controller.js';
import type { ObservabilityConfig } from './observability.config.js';
import type { Telemetry } from './telemetry.js';

export interface OpsServerOptions {
  host: string;
  port: number;
  config: ObservabilityConfig;
  telemetry: Telemetry;
  /** The liveness report (terminus' HealthCheckResult in the watcher): `ok` picks 200 or 503. */
  live: () => Promise<{ ok: boolean; body: unknown }>;
  /** The scrape token, for METRICS_AUTH=token (read from the secret store). */
  metricsToken?: () => Promise<string>;
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The operations listener of a process with no HTTP API of its own (the queue watcher): the same
 * `/health/live` and `/metrics` routes as the API, on PORT, so probes, the image's HEALTHCHECK and
 * Prometheus treat every process of the image alike.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    handle(options, req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { error: 'INTERNAL_ERROR', message: 'Something went wrong on our side.' });
    });
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function handle(options: OpsServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET') return json(res, 405, { error: 'METHOD_NOT_ALLOWED', message: 'Only GET is served here.' });
  if (path === '/health/live' || path === '/health/ready') {
    const { ok, body } = await options.live();
    return json(res, ok ? 200 : 503, body);
  }
  if (path === '/metrics' && options.config.metricsEnabled) {
    if (options.config.metricsAuth === 'token') {
      const expected = options.metricsToken ? await options.metricsToken() : undefined;
      if (!expected || !bearerMatches(req.headers.authorization, expected)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        return json(res, 401, { error: 'UNAUTHORIZED', message: 'Metrics need a valid bearer token.' });
      }
    }
    return options.telemetry.serveMetrics(req, res);
  }
  json(res, 404, { error: 'NOT_FOUND', message: `Cannot GET ${path}` });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
