import { type DynamicModule, Inject, type MiddlewareConsumer, Module, type Provider, type NestModule, type OnApplicationShutdown, RequestMethod } from '@nestjs/common';
import { ObservabilityConfig } from './observability.config.js';
import { TELEMETRY } from './observability.constants.js';
import { httpTelemetryMiddleware } from './http-telemetry.middleware.js';
import { MetricsController } from './metrics.controller.js';
import { startTelemetry, type Telemetry } from './telemetry.js';

/**
 * Starts the OpenTelemetry SDK (metrics for GET /metrics, traces to the configured exporter) and
 * puts a server span and a latency observation around every request.
 */
@Module({})
export class ObservabilityModule implements NestModule, OnApplicationShutdown {
  constructor(@Inject(TELEMETRY) private readonly telemetry: Telemetry) {}

  /** `metricsToken` provides MetricsToken: where the scrape token for METRICS_AUTH=token comes from. */
  static forRoot(options: { metricsToken: Provider }): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [MetricsController],
      providers: [{ provide: TELEMETRY, inject: [ObservabilityConfig], useFactory: startTelemetry }, options.metricsToken],
      exports: [TELEMETRY],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(httpTelemetryMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }

  /** Spans still buffered would be lost with the process. */
  async onApplicationShutdown(): Promise<void> {
    await this.telemetry.flush().catch(() => undefined);
  }
}
