import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AzureMonitorTraceExporter } from './azure-monitor-trace-exporter.js';
import type { ObservabilityConfig } from './observability.config.js';
import { setTracingEnabled } from './instruments.js';

/** The process's OpenTelemetry SDK: one meter provider (read by /metrics), one tracer provider. */
export interface Telemetry {
  readonly serviceName: string;
  readonly tracesExporter: ObservabilityConfig['tracesExporter'];
  /** Writes the Prometheus text exposition of every metric of this process. */
  serveMetrics(req: IncomingMessage, res: ServerResponse): void;
  /** Pushes buffered spans to the exporter now (shutdown, tests). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let current: Telemetry | undefined;

/**
 * Starts the SDK once per process and registers it behind the OpenTelemetry API, so modules that
 * only use `@opentelemetry/api` start recording. Later calls return the same instance: the API's
 * globals are process-wide, and an app built twice in one process (tests) shares one registry.
 */
export function startTelemetry(config: ObservabilityConfig): Telemetry {
  if (current) return current;
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName });

  const prometheus = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const meterProvider = new MeterProvider({ resource, readers: [prometheus] });

  // With no trace exporter no tracer provider is registered: spans stay non-recording no-ops, and
  // an incoming traceparent is still passed on unchanged (to the number API and into messages).
  const exporter = spanExporterFor(config);
  const spanProcessors: SpanProcessor[] = exporter ? [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000 })] : [];
  const tracerProvider = exporter ? new TracerProvider({ resource, spanProcessors }) : undefined;

  // AsyncLocalStorage keeps the active span across awaits, so the span of an HTTP request is the
  // parent of the number API call and the queue send made while serving it.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (tracerProvider) trace.setGlobalTracerProvider(tracerProvider);
  setTracingEnabled(tracerProvider !== undefined);
  metrics.setGlobalMeterProvider(meterProvider);

  const telemetry: Telemetry = {
    serviceName: config.serviceName,
    tracesExporter: config.tracesExporter,
    serveMetrics: (req, res) => prometheus.getMetricsRequestHandler(req, res),
    flush: async () => tracerProvider?.forceFlush(),
    async shutdown() {
      await Promise.allSettled([tracerProvider?.shutdown(), meterProvider.shutdown()]);
      setTracingEnabled(false);
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
      if (current === telemetry) current = undefined;
    },
  };
  current = telemetry;
  return telemetry;
}

/** The single switch between trace exporters. */
export function spanExporterFor(config: ObservabilityConfig): SpanExporter | undefined {
  switch (config.tracesExporter) {
    case 'none':
      return undefined;
    case 'otlp':
      return new OTLPTraceExporter({ url: config.otlpTracesUrl, timeoutMillis: 10_000 });
    case 'azure-monitor':
      return new AzureMonitorTraceExporter({
        connectionString: config.applicationInsightsConnectionString!,
        serviceName: config.serviceName,
      });
  }
}
