import { ROOT_CONTEXT, context, createContextKey, metrics } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { loadConfig } from '../config/load-config.js';
import { AzureMonitorTraceExporter } from './azure-monitor-trace-exporter.js';
import { observabilityConfigSection } from './observability.config.js';
import { spanExporterFor, startTelemetry, type Telemetry } from './telemetry.js';
import { metricsWanted } from './instruments.js';

const configFor = (env: Record<string, string>) => loadConfig(env, [observabilityConfigSection]).get(observabilityConfigSection);

describe('spanExporterFor (TRACES_EXPORTER → exporter)', () => {
  it('none → no exporter (spans stay no-ops)', async () => {
    expect(await spanExporterFor(configFor({}))).toBeUndefined();
  });

  it('otlp → the OTLP/HTTP exporter', async () => {
    expect(await spanExporterFor(configFor({ TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))).toBeInstanceOf(OTLPTraceExporter);
  });

  it('azure-monitor → the Application Insights exporter', async () => {
    const config = configFor({ TRACES_EXPORTER: 'azure-monitor', APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=abc;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/' });
    expect(await spanExporterFor(config)).toBeInstanceOf(AzureMonitorTraceExporter);
  });
});

describe('observability config', () => {
  it('derives the OTLP traces URL from the base endpoint, or takes the explicit one', () => {
    expect(configFor({ TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }).otlpTracesUrl).toBe('http://c:4318/v1/traces');
    expect(configFor({ TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/x' }).otlpTracesUrl).toBe('http://c:4318/x');
  });

  it('metrics default on outside production, off in production', () => {
    expect(configFor({}).metricsEnabled).toBe(true);
    expect(configFor({ NODE_ENV: 'production' }).metricsEnabled).toBe(false);
    expect(configFor({ NODE_ENV: 'production', METRICS_ENABLED: 'true', METRICS_AUTH: 'token' })).toMatchObject({ metricsEnabled: true, metricsAuth: 'token' });
  });

  it.each([
    [{ NODE_ENV: 'production', METRICS_ENABLED: 'true' }, /METRICS_AUTH: must be "token"/],
    [{ TRACES_EXPORTER: 'otlp' }, /OTEL_EXPORTER_OTLP_ENDPOINT: is required when TRACES_EXPORTER=otlp/],
    [{ TRACES_EXPORTER: 'azure-monitor', APPLICATIONINSIGHTS_CONNECTION_STRING: 'IngestionEndpoint=https://x' }, /APPLICATIONINSIGHTS_CONNECTION_STRING: must contain InstrumentationKey/],
    [{ TRACES_EXPORTER: 'zipkin' }, /TRACES_EXPORTER/],
  ])('rejects %j', (env, problem) => {
    expect(() => configFor(env as Record<string, string>)).toThrow(problem);
  });
});

describe('startTelemetry loads only what the configuration selects', () => {
  it('metrics off (production default): no metrics SDK behind the API, nothing recorded per request', async () => {
    const telemetry = await startTelemetry(configFor({ NODE_ENV: 'production' }));
    try {
      expect(metrics.getMeterProvider()).not.toBeInstanceOf(MeterProvider);
      expect(metricsWanted()).toBe(false);
    } finally {
      await telemetry.shutdown();
    }
  });

  it('metrics on: the SDK is registered and recording', async () => {
    const telemetry = await startTelemetry(configFor({}));
    try {
      expect(metrics.getMeterProvider()).toBeInstanceOf(MeterProvider);
      expect(metricsWanted()).toBe(true);
    } finally {
      await telemetry.shutdown();
    }
  });
});

describe("startTelemetry's context manager (@opentelemetry/context-async-hooks)", () => {
  const KEY = createContextKey('request');
  let telemetry: Telemetry;
  beforeAll(async () => {
    telemetry = await startTelemetry(configFor({}));
  });
  afterAll(() => telemetry.shutdown());

  it('keeps the context across awaits and timers, and isolates concurrent work', async () => {
    const seen = await Promise.all(
      ['a', 'b'].map((id) =>
        context.with(ROOT_CONTEXT.setValue(KEY, id), async () => {
          await new Promise((r) => setTimeout(r, id === 'a' ? 20 : 5));
          await Promise.resolve();
          return context.active().getValue(KEY);
        }),
      ),
    );
    expect(seen).toEqual(['a', 'b']);
    expect(context.active()).toBe(ROOT_CONTEXT);
  });

  it('bind runs a function later in the bound context', () => {
    const bound = context.bind(ROOT_CONTEXT.setValue(KEY, 'x'), () => context.active().getValue(KEY));
    expect(bound()).toBe('x');
  });
});
