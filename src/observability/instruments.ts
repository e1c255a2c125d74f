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
  type Counter,
  type Histogram,
  type MeterProvider,
  type Span,
} from '@opentelemetry/api';

/**
 * The service's own metrics and spans, through the OpenTelemetry API only: until an SDK is
 * registered (startTelemetry) every call here is a no-op, so modules that record stay decoupled
 * from how (or whether) telemetry is exported.
 */
export const INSTRUMENTATION_SCOPE = 'integrated-auth-service';

const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LAG_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

interface Instruments {
  httpDuration: Histogram;
  numberApiCalls: Counter;
  numberApiDuration: Histogram;
  queueSends: Counter;
  keyVaultReads: Counter;
  watcherMessages: Counter;
  watcherLag: Histogram;
  logins: Counter;
}

// Instruments belong to a meter provider; a provider registered later gets its own set.
const byProvider = new WeakMap<MeterProvider, Instruments>();

function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  let found = byProvider.get(provider);
  if (found) return found;
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
  found = {
    httpDuration: meter.createHistogram('http.server.request.duration.seconds', {
      description: 'Duration of HTTP requests served, by route, method and status code.',
      unit: 's',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS_SECONDS },
    }),
    numberApiCalls: meter.createCounter('number_api.calls', {
      description: 'Calls to the third-party number API, by outcome (ok or the failure kind).',
    }),
    numberApiDuration: meter.createHistogram('number_api.call.duration.seconds', {
      description: 'Duration of calls to the third-party number API.',
      unit: 's',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS_SECONDS },
    }),
    queueSends: meter.createCounter('queue.sends', { description: 'Messages sent to the code queue, by outcome.' }),
    keyVaultReads: meter.createCounter('keyvault.secret.reads', {
      description: 'Secret reads from Azure Key Vault, by outcome (cache hits are not reads).',
    }),
    watcherMessages: meter.createCounter('watcher.messages', {
      description: 'Queue messages the watcher handled, by outcome (processed, poisoned, failed).',
    }),
    watcherLag: meter.createHistogram('watcher.lag.seconds', {
      description: 'Time from a message being enqueued until the watcher finished it.',
      unit: 's',
      advice: { explicitBucketBoundaries: LAG_BUCKETS_SECONDS },
    }),
    logins: meter.createCounter('auth.logins', { description: 'Completed and failed logins, by outcome.' }),
  };
  byProvider.set(provider, found);
  return found;
}

export function recordHttpRequest(attrs: { route: string; method: string; status: number }, seconds: number): void {
  instruments().httpDuration.record(seconds, {
    'http.route': attrs.route,
    'http.request.method': attrs.method,
    'http.response.status_code': attrs.status,
  });
}

export function recordNumberApiCall(outcome: string, seconds: number): void {
  instruments().numberApiCalls.add(1, { outcome });
  instruments().numberApiDuration.record(seconds, { outcome });
}

export function recordQueueSend(outcome: 'ok' | 'failed', queue: string): void {
  instruments().queueSends.add(1, { outcome, queue });
}

export function recordKeyVaultRead(outcome: 'ok' | 'not_found' | 'failed'): void {
  instruments().keyVaultReads.add(1, { outcome });
}

/** For the watcher: one call per message it finished, with how long after enqueueing. */
export function recordWatcherMessage(outcome: 'processed' | 'poisoned' | 'failed', lagSeconds?: number): void {
  instruments().watcherMessages.add(1, { outcome });
  if (lagSeconds !== undefined && Number.isFinite(lagSeconds) && lagSeconds >= 0) {
    instruments().watcherLag.record(lagSeconds, { outcome });
  }
}

/** For the login flow: `ok`, or a short stable failure reason (`state_mismatch`, `idp_error`, …). */
export function recordLogin(outcome: string, provider?: string): void {
  instruments().logins.add(1, provider ? { outcome, provider } : { outcome });
}

export function tracer() {
  return trace.getTracer(INSTRUMENTATION_SCOPE);
}

let spansRecorded = false;

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
