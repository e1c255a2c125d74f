import { SpanKind, SpanStatusCode, type Attributes, type HrTime } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { parseConnectionString } from './observability.config.js';

export interface AzureMonitorTraceExporterOptions {
  connectionString: string;
  serviceName: string;
  /** Deadline for one POST to the ingestion endpoint. */
  timeoutMs?: number;
}

interface Envelope {
  name: string;
  time: string;
  iKey: string;
  tags: Record<string, string>;
  data: { baseType: string; baseData: Record<string, unknown> };
}

/**
 * Sends spans to Application Insights through its public ingestion API (`POST
 * <IngestionEndpoint>/v2.1/track`, the "Breeze" envelope format the official exporter uses):
 * server and consumer spans become requests, the others dependencies, keyed by trace id so the
 * transaction view stitches API → number API → queue → watcher together. The official
 * @azure/monitor-opentelemetry-exporter is not a dependency of this project; this covers traces
 * only, with no offline retry storage (a failed batch is reported and dropped).
 */
export class AzureMonitorTraceExporter implements SpanExporter {
  private readonly iKey: string;
  private readonly url: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: AzureMonitorTraceExporterOptions) {
    const parsed = parseConnectionString(options.connectionString);
    this.iKey = parsed.instrumentationKey ?? '';
    this.url = `${parsed.ingestionEndpoint}/v2.1/track`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const body = spans.map((span) => JSON.stringify(this.toEnvelope(span))).join('\n');
    fetch(this.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-json-stream' },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    }).then(
      async (response) => {
        await response.arrayBuffer().catch(() => undefined);
        resultCallback(
          response.ok || response.status === 206
            ? { code: ExportResultCode.SUCCESS }
            : { code: ExportResultCode.FAILED, error: new Error(`Azure Monitor ingestion answered HTTP ${response.status}`) },
        );
      },
      (error: unknown) => resultCallback({ code: ExportResultCode.FAILED, error: error as Error }),
    );
  }

  async shutdown(): Promise<void> {}

  toEnvelope(span: ReadableSpan): Envelope {
    const context = span.spanContext();
    const tags: Record<string, string> = {
      'ai.operation.id': context.traceId,
      'ai.cloud.role': this.options.serviceName,
    };
    if (span.parentSpanContext?.spanId) tags['ai.operation.parentId'] = span.parentSpanContext.spanId;
    const success = span.status.code !== SpanStatusCode.ERROR;
    const properties = stringProperties(span.attributes);
    const common = { ver: 2, id: context.spanId, name: span.name, duration: formatDuration(span.duration), success, properties };
    const isRequest = span.kind === SpanKind.SERVER || span.kind === SpanKind.CONSUMER;
    const status = span.attributes['http.response.status_code'];
    if (isRequest) {
      tags['ai.operation.name'] = span.name;
      return {
        name: 'Microsoft.ApplicationInsights.Request',
        time: isoTime(span.startTime),
        iKey: this.iKey,
        tags,
        data: {
          baseType: 'RequestData',
          baseData: { ...common, responseCode: status !== undefined ? String(status) : success ? '0' : '1' },
        },
      };
    }
    return {
      name: 'Microsoft.ApplicationInsights.RemoteDependency',
      time: isoTime(span.startTime),
      iKey: this.iKey,
      tags,
      data: {
        baseType: 'RemoteDependencyData',
        baseData: {
          ...common,
          resultCode: status !== undefined ? String(status) : success ? '0' : '1',
          type: dependencyType(span),
          target: String(span.attributes['server.address'] ?? span.attributes['messaging.destination.name'] ?? ''),
        },
      },
    };
  }
}

function dependencyType(span: ReadableSpan): string {
  if (span.attributes['messaging.system']) return 'Azure Queue';
  if (span.attributes['http.request.method']) return 'HTTP';
  return 'InProc';
}

function stringProperties(attributes: Attributes): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = String(value);
  return out;
}

function isoTime(time: HrTime): string {
  return new Date(hrTimeToMilliseconds(time)).toISOString();
}

/** `d.hh:mm:ss.fff`, the duration format of the ingestion API. */
export function formatDuration(duration: HrTime): string {
  const totalMs = Math.max(0, Math.round(hrTimeToMilliseconds(duration)));
  const ms = totalMs % 1000;
  const totalSeconds = Math.floor(totalMs / 1000);
  const s = totalSeconds % 60;
  const m = Math.floor(totalSeconds / 60) % 60;
  const h = Math.floor(totalSeconds / 3600) % 24;
  const d = Math.floor(totalSeconds / 86_400);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d}.${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms, 3)}`;
}
