import { z } from 'zod';
import { type ConfigReader, defineConfigSection, envInt, optionalString, optionalUrl } from '../config/config-section.js';
import { runtimeConfigSection } from '../config/runtime.config.js';

export const TRACES_EXPORTERS = ['none', 'otlp', 'azure-monitor'] as const;
export type TracesExporter = (typeof TRACES_EXPORTERS)[number];
export const METRICS_AUTH_MODES = ['none', 'token'] as const;
export type MetricsAuth = (typeof METRICS_AUTH_MODES)[number];

/**
 * Metrics and traces. While metrics are enabled they are collected in-process and GET /metrics serves
 * them in the Prometheus text format, in production only behind a bearer token; off, nothing is
 * collected (no SDK is loaded).
 * Traces go nowhere, to an OTLP/HTTP collector, or to Azure Monitor (Application Insights).
 */
export class ObservabilityConfig {
  readonly serviceName!: string;
  readonly metricsEnabled!: boolean;
  readonly metricsAuth!: MetricsAuth;
  /** Name of the scrape token in the secret store (Key Vault in Azure, SECRET_<NAME> locally). */
  readonly metricsTokenSecretName!: string;
  /**
   * Port of the operations listener (/health/live, /metrics) of processes without an HTTP API of
   * their own (the watcher); undefined = no listener. The API serves both on PORT.
   */
  readonly opsPort?: number;
  readonly tracesExporter!: TracesExporter;
  /** Where OTLP/HTTP trace exports are POSTed (…/v1/traces). */
  readonly otlpTracesUrl?: string;
  readonly applicationInsightsConnectionString?: string;
}

export const observabilityConfigSection = defineConfigSection(
  'observability',
  ObservabilityConfig,
  z
    .object({
      OTEL_SERVICE_NAME: z.string().min(1).default('integrated-auth-api'),
      METRICS_ENABLED: z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' }).optional(),
      METRICS_AUTH: z.enum(METRICS_AUTH_MODES).default('none'),
      METRICS_TOKEN_SECRET_NAME: z.string().min(1).default('metrics-scrape-token'),
      OPS_PORT: envInt(-1, 0, 65535),
      TRACES_EXPORTER: z.enum(TRACES_EXPORTERS).default('none'),
      OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl(),
      APPLICATIONINSIGHTS_CONNECTION_STRING: optionalString(),
    })
    .superRefine((v, ctx) => {
      if (v.TRACES_EXPORTER === 'otlp' && !v.OTEL_EXPORTER_OTLP_ENDPOINT && !v.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
        ctx.addIssue({ code: 'custom', path: ['OTEL_EXPORTER_OTLP_ENDPOINT'], message: 'is required when TRACES_EXPORTER=otlp' });
      }
      if (v.TRACES_EXPORTER === 'azure-monitor') {
        const problem = v.APPLICATIONINSIGHTS_CONNECTION_STRING
          ? connectionStringProblem(v.APPLICATIONINSIGHTS_CONNECTION_STRING)
          : 'is required when TRACES_EXPORTER=azure-monitor';
        if (problem) ctx.addIssue({ code: 'custom', path: ['APPLICATIONINSIGHTS_CONNECTION_STRING'], message: problem });
      }
    }),
  (v, _env, config) => ({
    serviceName: v.OTEL_SERVICE_NAME,
    metricsEnabled: metricsEnabled(v.METRICS_ENABLED, config),
    metricsAuth: v.METRICS_AUTH,
    metricsTokenSecretName: v.METRICS_TOKEN_SECRET_NAME,
    opsPort: v.OPS_PORT === -1 ? undefined : v.OPS_PORT,
    tracesExporter: v.TRACES_EXPORTER,
    otlpTracesUrl:
      v.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
      (v.OTEL_EXPORTER_OTLP_ENDPOINT ? `${v.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined),
    applicationInsightsConnectionString: v.APPLICATIONINSIGHTS_CONNECTION_STRING,
  }),
  {
    reads: [runtimeConfigSection],
    checks: [
      (observability, config) =>
        observability.metricsEnabled && config.get(runtimeConfigSection).isProduction && observability.metricsAuth === 'none'
          ? ['METRICS_AUTH: must be "token" when METRICS_ENABLED=true in production (or set METRICS_ENABLED=false)']
          : [],
    ],
  },
);

/** Metrics default to on, except in production where turning them on is a deliberate choice. */
function metricsEnabled(value: string | undefined, config: ConfigReader): boolean {
  if (value === undefined) return !config.get(runtimeConfigSection).isProduction;
  return ['true', '1', 'yes'].includes(value);
}

/** `InstrumentationKey=…;IngestionEndpoint=https://…` as Application Insights hands it out. */
export function parseConnectionString(value: string): { instrumentationKey?: string; ingestionEndpoint: string } {
  const parts = Object.fromEntries(
    value
      .split(';')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        const i = p.indexOf('=');
        return [p.slice(0, i).toLowerCase(), p.slice(i + 1)];
      }),
  ) as Record<string, string | undefined>;
  return {
    instrumentationKey: parts.instrumentationkey,
    ingestionEndpoint: (parts.ingestionendpoint ?? 'https://dc.services.visualstudio.com').replace(/\/+$/, ''),
  };
}

function connectionStringProblem(value: string): string | undefined {
  const parsed = parseConnectionString(value);
  if (!parsed.instrumentationKey) return 'must contain InstrumentationKey=…';
  if (!URL.canParse(parsed.ingestionEndpoint)) return 'has an IngestionEndpoint that is not a URL';
  return undefined;
}
