import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpConfig, httpConfigSection } from '../config/http.config.js';
import { MetricsToken } from '../observability/metrics-token.js';
import { ObservabilityConfig, observabilityConfigSection } from '../observability/observability.config.js';
import { TELEMETRY } from '../observability/observability.constants.js';
import { TelemetryModule } from '../observability/telemetry.module.js';
import type { Telemetry } from '../observability/telemetry.js';
import { HealthModule } from './health.module.js';
import { HealthService } from './health.service.js';
import { startOpsServer, type OpsServer } from './ops-server.js';

/** Starts the operations listener on OPS_PORT once the process is up; closes it on shutdown. */
@Injectable()
export class OpsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ops');
  private server?: OpsServer;

  constructor(
    private readonly config: ObservabilityConfig,
    private readonly http: HttpConfig,
    private readonly metricsToken: MetricsToken,
    private readonly health: HealthService,
    @Inject(TELEMETRY) private readonly telemetry: Telemetry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.opsPort === undefined) return;
    this.server = await startOpsServer({
      host: this.http.host,
      port: this.config.opsPort,
      config: this.config,
      telemetry: this.telemetry,
      health: this.health,
      metricsToken: this.metricsToken,
    });
    this.logger.log(`Health and metrics on port ${this.server.port} (/health/live, /health/ready${this.config.metricsEnabled ? ', /metrics' : ''})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}

/**
 * For a process without an HTTP API (the watcher): the same /health/live, /health/ready (the one
 * health service) and /metrics on OPS_PORT, for probes, the image's HEALTHCHECK and Prometheus.
 */
@Module({
  imports: [HealthModule, TelemetryModule, observabilityConfigSection.forFeature(), httpConfigSection.forFeature()],
  providers: [OpsListener],
})
export class OpsModule {}
