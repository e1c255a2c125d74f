import {
  INVALID_SPAN_CONTEXT,
  context,
  metrics,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Meter,
  type MeterProvider,
  type Span,
} from '@opentelemetry/api';

/**
 * Wiring for metrics and spans through the OpenTelemetry API only: until an SDK is registered
 * (startTelemetry) every call is a no-op, so features that record stay decoupled from how (or
 * whether) telemetry is exported. Each feature's own metrics live beside it (`*.metrics.ts`); only
 * the HTTP server metric, which the telemetry middleware records, is declared here.
 */
export const INSTRUMENTATION_SCOPE = 'integrated-auth-service';

export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const LAG_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

/**
 * A feature's instruments, created on first use from the registered meter provider. Instruments
 * belong to a provider, so one registered later (a test, a second app in one process) gets its own
 * set. Each feature declares its metrics beside itself (`secrets/secrets.metrics.ts`, …) with this.
 */
export function defineMetrics<T>(create: (meter: Meter) => T): () => T {
  const byProvider = new WeakMap<MeterProvider, T>();
  return () => {
    const provider = metrics.getMeterProvider();
    let found = byProvider.get(provider);
    if (found === undefined) {
      found = create(provider.getMeter(INSTRUMENTATION_SCOPE));
      byProvider.set(provider, found);
    }
    return found;
  };
}

/**
 * The shape several features record: a count of events by outcome and, when known, how long each
 * took (a duration, or a lag) in seconds, by outcome. Returns the one-call recorder.
 */
export function defineOutcomeMetrics(spec: {
  count: { name: string; description: string };
  seconds: { name: string; description: string; buckets: number[] };
}): (outcome: string, seconds?: number) => void {
  const instruments = defineMetrics((meter) => ({
    count: meter.createCounter(spec.count.name, { description: spec.count.description }),
    seconds: meter.createHistogram(spec.seconds.name, { description: spec.seconds.description, unit: 's', advice: { explicitBucketBoundaries: spec.seconds.buckets } }),
  }));
  return (outcome, seconds) => {
    const { count, seconds: histogram } = instruments();
    count.add(1, { outcome });
    if (seconds !== undefined && Number.isFinite(seconds) && seconds >= 0) histogram.record(seconds, { outcome });
  };
}

const httpMetrics = defineMetrics((meter) => ({
  duration: meter.createHistogram('http.server.request.duration.seconds', {
    description: 'Duration of HTTP requests served, by route, method and status code.',
    unit: 's',
    advice: { explicitBucketBoundaries: LATENCY_BUCKETS_SECONDS },
  }),
}));

export function recordHttpRequest(attrs: { route: string; method: string; status: number }, seconds: number): void {
  httpMetrics().duration.record(seconds, {
    'http.route': attrs.route,
    'http.request.method': attrs.method,
    'http.response.status_code': attrs.status,
  });
}

export function tracer() {
  return trace.getTracer(INSTRUMENTATION_SCOPE);
}

let spansRecorded = false;
let metricsRecorded = false;

/** Set by startTelemetry when the metrics SDK is registered (METRICS_ENABLED). */
export function setMetricsEnabled(enabled: boolean): void {
  metricsRecorded = enabled;
}

/** False while metrics go to the API's no-op meter: per-request bookkeeping for them can be skipped. */
export function metricsWanted(): boolean {
  return metricsRecorded;
}

/** Set by startTelemetry when a trace exporter is registered (spans are then recorded). */
export function setTracingEnabled(enabled: boolean): void {
  spansRecorded = enabled;
}

/**
 * True when there is a trace to create or continue: spans are recorded, or a caller's trace
 * context is active (its traceparent must still be passed on). Otherwise tracing is skipped
 * entirely on the hot path.
 */
export function tracingWanted(parent: Context = context.active()): boolean {
  return spansRecorded || trace.getSpanContext(parent) !== undefined;
}

/**
 * Runs `fn` inside a new span that is active for everything `fn` awaits; the span ends when `fn`
 * settles and is marked as an error when it throws.
 */
export async function inSpan<T>(
  name: string,
  options: { kind: SpanKind; attributes?: Attributes; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  if (!tracingWanted(parent)) return fn(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  const span = tracer().startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
    throw error;
  } finally {
    span.end();
  }
}

/** The W3C `traceparent` of the active span, or undefined when no (sampled or unsampled) span is active. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Writes `traceparent` (and `tracestate`) of the active context into outgoing headers. */
export function injectTraceHeaders(headers: Record<string, string>): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}

/** The context a `traceparent` carried in a header or a queue message continues. */
export function contextFromTraceparent(traceparent: string | undefined, parent: Context = context.active()): Context {
  if (!traceparent) return parent;
  return propagation.extract(parent, { traceparent });
}

export { SpanKind };

/**
 * For the watcher: handles one queue message inside a CONSUMER span that continues the producer's
 * `traceparent` carried in the message (the request that issued the code), so one trace runs from
 * the API's request through the queue to the table write.
 */
export function consumeInSpan<T>(queue: string, traceparent: unknown, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  const parent = contextFromTraceparent(typeof traceparent === 'string' ? traceparent : undefined);
  return inSpan(
    `process ${queue}`,
    { kind: SpanKind.CONSUMER, parent, attributes: { 'messaging.system': 'azure_storage_queue', 'messaging.destination.name': queue, 'messaging.operation.type': 'process', ...attributes } },
    () => fn(),
  );
}
