import { Inject, type MiddlewareConsumer, Module, type NestModule, type OnApplicationShutdown, RequestMethod } from '@nestjs/common';
import { ObservabilityConfig } from './observability.config.js';
import { TELEMETRY } from './observability.constants.js';
import { httpTelemetryMiddleware } from './http-telemetry.middleware.js';
import { MetricsController } from './metrics.controller.js';
import { startTelemetry, type Telemetry } from './telemetry.js';

/**
 * Starts the OpenTelemetry SDK (metrics for GET /metrics, traces to the configured exporter) and
 * puts a server span and a latency observation around every request.
 */
@Module({
  controllers: [MetricsController],
  providers: [{ provide: TELEMETRY, inject: [ObservabilityConfig], useFactory: startTelemetry }],
  exports: [TELEMETRY],
})
export class ObservabilityModule implements NestModule, OnApplicationShutdown {
  constructor(@Inject(TELEMETRY) private readonly telemetry: Telemetry) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(httpTelemetryMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }

  /** Spans still buffered would be lost with the process. */
  async onApplicationShutdown(): Promise<void> {
    await this.telemetry.flush().catch(() => undefined);
  }
}
