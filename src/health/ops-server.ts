import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { HealthCheckResult } from '@nestjs/terminus';
import type { MetricsToken } from '../observability/metrics-token.js';
import type { ObservabilityConfig } from '../observability/observability.config.js';
import type { Telemetry } from '../observability/telemetry.js';
import type { StatusSink } from './health-report.js';

export interface OpsServerOptions {
  host: string;
  port: number;
  config: ObservabilityConfig;
  telemetry: Telemetry;
  /** Liveness and readiness: the process's HealthService. */
  health: {
    live(): Promise<HealthCheckResult>;
    ready(authorization: string | undefined, res: StatusSink): Promise<HealthCheckResult>;
  };
  /** The scrape token, for METRICS_AUTH=token (read from the secret store). */
  metricsToken?: Pick<MetricsToken, 'allows'>;
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The operations listener of a process with no HTTP API of its own (the queue watcher): the same
 * `/health/live`, `/health/ready` and `/metrics` routes as the API, on OPS_PORT, so probes, the
 * image's HEALTHCHECK and Prometheus treat every process of the image alike.
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
  if (path === '/health/live') return json(res, 200, await options.health.live());
  if (path === '/health/ready') {
    let status = 200;
    const body = await options.health.ready(req.headers.authorization, { status: (code: number) => (status = code) });
    return json(res, status, body);
  }
  if (path === '/metrics' && options.config.metricsEnabled) {
    if (options.config.metricsAuth === 'token') {
      const allowed = options.metricsToken ? await options.metricsToken.allows(req.headers.authorization).catch(() => false) : false;
      if (!allowed) {
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
