import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObservabilityConfig } from './observability.config.js';
import { setMetricsEnabled, setTracingEnabled } from './instruments.js';

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

let current: Promise<Telemetry> | undefined;

/**
 * Starts the SDK once per process and registers it behind the OpenTelemetry API, so modules that
 * only use `@opentelemetry/api` start recording. Later calls return the same instance: the API's
 * globals are process-wide, and an app built twice in one process (tests) shares one registry.
 *
 * Only what the configuration selects is loaded and registered: the metrics SDK and its Prometheus
 * exporter when METRICS_ENABLED (off, nothing would ever read them, so every record stays on the
 * API's no-op meter), the tracing SDK and one exporter when TRACES_EXPORTER is not `none`.
 */
export function startTelemetry(config: ObservabilityConfig): Promise<Telemetry> {
  current ??= build(config).catch((error: unknown) => {
    current = undefined;
    throw error;
  });
  return current;
}

async function build(config: ObservabilityConfig): Promise<Telemetry> {
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName });
  const metricsSdk = config.metricsEnabled ? await prometheusMetrics(resource) : undefined;

  // With no trace exporter no tracer provider is registered: spans stay non-recording no-ops, and
  // an incoming traceparent is still passed on unchanged (to the number API and into messages).
  const exporter = await spanExporterFor(config);
  const tracerProvider = exporter ? await tracerProviderFor(resource, exporter) : undefined;

  // AsyncLocalStorage keeps the active span across awaits, so the span of an HTTP request is the
  // parent of the number API call and the queue send made while serving it.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (tracerProvider) trace.setGlobalTracerProvider(tracerProvider);
  setTracingEnabled(tracerProvider !== undefined);
  if (metricsSdk) metrics.setGlobalMeterProvider(metricsSdk.meterProvider);
  setMetricsEnabled(metricsSdk !== undefined);

  const telemetry: Telemetry = {
    serviceName: config.serviceName,
    tracesExporter: config.tracesExporter,
    // Callers serve /metrics only when METRICS_ENABLED; without the SDK there is nothing to serve.
    serveMetrics: (req, res) => (metricsSdk ? metricsSdk.prometheus.getMetricsRequestHandler(req, res) : res.writeHead(404).end()),
    flush: async () => tracerProvider?.forceFlush(),
    async shutdown() {
      await Promise.allSettled([tracerProvider?.shutdown(), metricsSdk?.meterProvider.shutdown()]);
      setTracingEnabled(false);
      setMetricsEnabled(false);
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
      if ((await current?.catch(() => undefined)) === telemetry) current = undefined;
    },
  };
  return telemetry;
}

/** The metrics SDK with the Prometheus exporter as its reader (serves GET /metrics). */
async function prometheusMetrics(resource: Resource) {
  const [{ PrometheusExporter }, { MeterProvider }] = await Promise.all([import('@opentelemetry/exporter-prometheus'), import('@opentelemetry/sdk-metrics')]);
  const prometheus = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  return { prometheus, meterProvider: new MeterProvider({ resource, readers: [prometheus] }) };
}

async function tracerProviderFor(resource: Resource, exporter: SpanExporter) {
  const { BatchSpanProcessor, TracerProvider } = await import('@opentelemetry/sdk-trace');
  return new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000 })] });
}

/** The single switch between trace exporters; each is loaded only when selected. */
export async function spanExporterFor(config: ObservabilityConfig): Promise<SpanExporter | undefined> {
  switch (config.tracesExporter) {
    case 'none':
      return undefined;
    case 'otlp': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      return new OTLPTraceExporter({ url: config.otlpTracesUrl, timeoutMillis: 10_000 });
    }
    case 'azure-monitor': {
      const { AzureMonitorTraceExporter } = await import('./azure-monitor-trace-exporter.js');
      return new AzureMonitorTraceExporter({
        connectionString: config.applicationInsightsConnectionString!,
        serviceName: config.serviceName,
      });
    }
  }
}
