import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { httpTelemetryMiddleware } from './http-telemetry.middleware.js';
import { MetricsController } from './metrics.controller.js';
import { TelemetryModule } from './telemetry.module.js';
import { observabilityConfigSection } from './observability.config.js';

/**
 * Telemetry for an HTTP process: the SDK (metrics for GET /metrics, traces to the configured
 * exporter), a server span and a latency observation around every request. The scrape token
 * (MetricsToken) is provided by the secrets module.
 */
@Module({
  imports: [TelemetryModule, observabilityConfigSection.forFeature()],
  controllers: [MetricsController],
})
export class ObservabilityModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(httpTelemetryMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
