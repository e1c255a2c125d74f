import { createServer, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { AzureMonitorTraceExporter, formatDuration } from './azure-monitor-trace-exporter.js';

/** A stand-in for the Application Insights ingestion endpoint: records each POST to /v2.1/track. */
async function ingestion(status = 200) {
  const posts: Array<{ url: string; contentType: string; envelopes: any[] }> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean);
      posts.push({ url: req.url ?? '', contentType: String(req.headers['content-type']), envelopes: lines.map((l) => JSON.parse(l)) });
      res.writeHead(status, { 'Content-Type': 'application/json' }).end('{"itemsReceived":1,"itemsAccepted":1,"errors":[]}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { posts, endpoint, close: () => new Promise((r) => server.close(r)) };
}

describe('AzureMonitorTraceExporter', () => {
  it('posts spans as Application Insights envelopes: server → request, client → dependency, one operation id', async () => {
    const sink = await ingestion();
    const exporter = new AzureMonitorTraceExporter({
      connectionString: `InstrumentationKey=11111111-2222-3333-4444-555555555555;IngestionEndpoint=${sink.endpoint}/`,
      serviceName: 'codes-api',
    });
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const tracer = provider.getTracer('test');
    const server = tracer.startSpan('GET /api/v1/getcode', { kind: SpanKind.SERVER, attributes: { 'http.response.status_code': 200 } });
    const client = tracer.startSpan(
      'GET number API',
      { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET', 'server.address': 'numbers.example.com', 'http.response.status_code': 500 } },
      trace.setSpan(context.active(), server),
    );
    client.setStatus({ code: SpanStatusCode.ERROR });
    client.end();
    server.end();
    await provider.forceFlush();
    await new Promise((r) => setTimeout(r, 50));

    const envelopes = sink.posts.flatMap((p) => p.envelopes);
    expect(sink.posts.every((p) => p.url === '/v2.1/track' && p.contentType === 'application/x-json-stream')).toBe(true);
    const request = envelopes.find((e) => e.data.baseType === 'RequestData');
    const dependency = envelopes.find((e) => e.data.baseType === 'RemoteDependencyData');
    expect(request).toMatchObject({
      name: 'Microsoft.ApplicationInsights.Request',
      iKey: '11111111-2222-3333-4444-555555555555',
      tags: { 'ai.operation.id': server.spanContext().traceId, 'ai.cloud.role': 'codes-api' },
      data: { baseData: { id: server.spanContext().spanId, name: 'GET /api/v1/getcode', responseCode: '200', success: true } },
    });
    expect(dependency).toMatchObject({
      tags: { 'ai.operation.id': server.spanContext().traceId, 'ai.operation.parentId': server.spanContext().spanId },
      data: { baseData: { type: 'HTTP', target: 'numbers.example.com', resultCode: '500', success: false } },
    });
    expect(request.data.baseData.duration).toMatch(/^0\.00:00:\d\d\.\d{3}$/);
    await provider.shutdown();
    await sink.close();
  });

  it('reports a rejected batch as failed', async () => {
    const sink = await ingestion(400);
    const exporter = new AzureMonitorTraceExporter({ connectionString: `InstrumentationKey=k;IngestionEndpoint=${sink.endpoint}`, serviceName: 's' });
    const provider = new TracerProvider();
    const span = provider.getTracer('t').startSpan('x');
    span.end();
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export([span as never], resolve));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/HTTP 400/);
    await sink.close();
  });

  it('formats durations as d.hh:mm:ss.fff', () => {
    expect(formatDuration([0, 1_500_000])).toBe('0.00:00:00.002');
    expect(formatDuration([3723, 45_000_000])).toBe('0.01:02:03.045');
    expect(formatDuration([90_000, 0])).toBe('1.01:00:00.000');
  });
});
