import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpConfig } from '../config/http.config.js';
import { SecretsModule } from '../secrets/secrets.module.js';
import { SecretsService } from '../secrets/secrets.service.js';
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
    private readonly secrets: SecretsService,
    @Inject(TELEMETRY) private readonly telemetry: Telemetry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.opsPort === undefined) return;
    this.server = await startOpsServer({
      host: this.http.host,
      port: this.config.opsPort,
      config: this.config,
      telemetry: this.telemetry,
      live: () => true,
      metricsToken: () => this.secrets.get(this.config.metricsTokenSecretName),
    });
    this.logger.log(`Health and metrics on port ${this.server.port} (/health/live${this.config.metricsEnabled ? ', /metrics' : ''})`);
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
@Module({
  imports: [SecretsModule],
  providers: [{ provide: TELEMETRY, inject: [ObservabilityConfig], useFactory: startTelemetry }, OpsListener],
  exports: [TELEMETRY],
})
export class WatcherOpsModule {}
