import { type DynamicModule, Inject, Injectable, Logger, Module, type Provider, ServiceUnavailableException, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpConfig } from '../config/http.config.js';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { MetricsToken } from './metrics-token.js';
import { ObservabilityConfig } from './observability.config.js';
import { TELEMETRY } from './observability.constants.js';
import { startOpsServer, type OpsServer } from './ops-server.js';
import { startTelemetry, type Telemetry } from './telemetry.js';

/** Starts the operations listener on OPS_PORT once the process is up; closes it on shutdown. */
@Injectable()
export class OpsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ops');
  private server?: OpsServer;

  constructor(
    private readonly config: ObservabilityConfig,
    private readonly http: HttpConfig,
    private readonly metricsToken: MetricsToken,
    private readonly health: HealthCheckService,
    @Inject(TELEMETRY) private readonly telemetry: Telemetry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.opsPort === undefined) return;
    this.server = await startOpsServer({
      host: this.http.host,
      port: this.config.opsPort,
      config: this.config,
      telemetry: this.telemetry,
      live: () => this.live(),
      metricsToken: () => this.metricsToken.read(),
    });
    this.logger.log(`Health and metrics on port ${this.server.port} (/health/live${this.config.metricsEnabled ? ', /metrics' : ''})`);
  }

  /** Through terminus like the API's /health/live: the process answers, so it is live. */
  private async live(): Promise<{ ok: boolean; body: unknown }> {
    try {
      return { ok: true, body: await this.health.check([]) };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      return { ok: false, body: error.getResponse() };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    await this.telemetry.flush().catch(() => undefined);
  }
}

/**
 * Telemetry for a process without an HTTP API (the watcher): the OpenTelemetry SDK, and
 * /health/live + /metrics on OPS_PORT for probes, the image's HEALTHCHECK and Prometheus.
 */
@Module({})
export class WatcherOpsModule {
  /** `metricsToken` provides MetricsToken: where the scrape token for METRICS_AUTH=token comes from. */
  static forRoot(options: { metricsToken: Provider }): DynamicModule {
    return {
      module: WatcherOpsModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      providers: [{ provide: TELEMETRY, inject: [ObservabilityConfig], useFactory: startTelemetry }, options.metricsToken, OpsListener],
      exports: [TELEMETRY],
    };
  }
}
