import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { startApp, type RunningApp } from '../support/app.js';
import { drainQueue } from '../support/queue.js';
import { createApp } from '../../src/apps/api/app.factory.js';
import { OtlpCollectorDouble } from './otlp-collector-double.js';
import { TELEMETRY } from '../../src/observability/observability.constants.js';
import type { Telemetry } from '../../src/observability/telemetry.js';

const QUEUE = 'code-requests';
const KEY = 'obs-function-key';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

/** A number API that records the traceparent it was called with; `fail` makes it answer 500. */
async function numberApi() {
  const seen: Array<string | undefined> = [];
  const state = { fail: false };
  const server: Server = createServer((req, res) => {
    req.resume();
    seen.push(req.headers.traceparent as string | undefined);
    if (req.headers['x-functions-key'] !== KEY) return void res.writeHead(401).end();
    if (state.fail) return void res.writeHead(500).end('nope');
    res.writeHead(200).end(JSON.stringify({ value: 42 }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    seen,
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/RandomNumber`,
    stop: () => new Promise((r) => server.close(r)),
  };
}

/** Value of one Prometheus sample line (`name{labels} value`), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(' ').pop());
  }
  return 0;
}

describe('metrics and traces', () => {
  let azurite: AzuriteHandle;
  let numbers: Awaited<ReturnType<typeof numberApi>>;
  let collector: OtlpCollectorDouble;
  let running: RunningApp;

  const env = () => ({
    THIRD_PARTY_API_ENDPOINT: numbers.url,
    SECRET_THIRD_PARTY_API_KEY: KEY,
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    QUEUE_CREATE_IF_MISSING: 'true',
    CODE_TABLE_CREATE_IF_MISSING: 'true', // getcode writes the code table before it answers
    QUEUE_MAX_TRIES: '1',
    QUEUE_REQUEST_TIMEOUT_MS: '1000',
    TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    OTEL_SERVICE_NAME: 'codes-api-under-test',
  });

  beforeAll(async () => {
    [azurite, numbers, collector] = await Promise.all([startAzurite(), numberApi(), new OtlpCollectorDouble().start()]);
    running = await startApp(env());
  });

  afterAll(async () => {
    await running?.close();
    await Promise.all([numbers?.stop(), collector?.stop(), azurite?.stop()]);
  });

  beforeEach(async () => {
    numbers.state.fail = false;
    await drainQueue(azurite.connectionString, QUEUE);
  });

  it('carries the caller’s traceparent through the number API call and the queue message, and exports the spans over OTLP', async () => {
    numbers.seen.length = 0;
    const res = await request(running.url).get('/api/v1/getcode').set('traceparent', INCOMING).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['code', 'timestamp']); // the answer carries no trace data

    const upstream = numbers.seen[0]!;
    expect(upstream).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    const [message] = (await drainQueue(azurite.connectionString, QUEUE)).map((b) => JSON.parse(b) as Record<string, string>);
    expect(message!.code).toBe(res.body.code);
    expect(message!.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));

    await (running.app.get(TELEMETRY) as Telemetry).flush();
    const spans = collector.spans.filter((s) => s.traceId === TRACE_ID);
    const server = spans.find((s) => s.name === 'GET /api/v1/getcode')!;
    const client = spans.find((s) => s.name === 'GET number API')!;
    const producer = spans.find((s) => s.name === `send ${QUEUE}`)!;
    expect(server).toBeDefined();
    expect(server.parentSpanId).toBe('00f067aa0ba902b7');
    expect(server.serviceName).toBe('codes-api-under-test');
    expect(client.parentSpanId).toBe(server.spanId);
    expect(producer.parentSpanId).toBe(server.spanId);
    // What went over the wire is exactly the span that was exported.
    expect(upstream.split('-')[2]).toBe(client.spanId);
    expect(message!.traceparent!.split('-')[2]).toBe(producer.spanId);
  });

  it('serves request, number API and queue metrics in the Prometheus format', async () => {
    const before = (await request(running.url).get('/metrics').expect(200)).text;
    await request(running.url).get('/api/v1/getcode').expect(200);
    await request(running.url).get('/api/v1/getcode').expect(200);
    numbers.state.fail = true;
    await request(running.url).get('/api/v1/getcode').expect(502);
    await request(running.url).get('/no/such/page/123').expect(404);
    const res = await request(running.url).get('/metrics').expect(200).expect('Content-Type', /text\/plain/);
    const after = res.text;

    const route = { http_route: '/api/v1/getcode', http_request_method: 'GET' };
    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('http_server_request_duration_seconds_count', { ...route, http_response_status_code: '200' })).toBe(2);
    expect(delta('http_server_request_duration_seconds_count', { ...route, http_response_status_code: '502' })).toBe(1);
    expect(delta('http_server_request_duration_seconds_bucket', { ...route, http_response_status_code: '200', le: '+Inf' })).toBe(2);
    // Unknown paths share one label value instead of minting a series per path.
    expect(after).not.toContain('/no/such/page/123');
    expect(delta('http_server_request_duration_seconds_count', { http_route: 'unmatched', http_response_status_code: '404' })).toBe(1);
    expect(delta('number_api_calls_total', { outcome: 'ok' })).toBe(2);
    expect(delta('number_api_calls_total', { outcome: 'http_500' })).toBe(1);
    expect(delta('queue_sends_total', { outcome: 'ok', queue: QUEUE })).toBe(2);
    expect(after).toMatch(/# TYPE http_server_request_duration_seconds histogram/);
  });

  it('counts failed queue sends', async () => {
    const before = (await request(running.url).get('/metrics')).text;
    // Only the queue fails (getcode writes the code table first, which must stay up for the send).
    const { QueueClient } = await import('@azure/storage-queue');
    const queue = new QueueClient(azurite.connectionString, QUEUE);
    await queue.delete();
    try {
      await request(running.url).get('/api/v1/getcode').expect(503);
    } finally {
      await queue.create();
    }
    const after = (await request(running.url).get('/metrics')).text;
    expect(sample(after, 'queue_sends_total', { outcome: 'failed' }) - sample(before, 'queue_sends_total', { outcome: 'failed' })).toBe(1);
  });

  it('hides /metrics when METRICS_ENABLED=false, and asks for the bearer token when METRICS_AUTH=token', async () => {
    const off = await startApp({ ...env(), METRICS_ENABLED: 'false' });
    const guarded = await startApp({ ...env(), METRICS_AUTH: 'token', SECRET_METRICS_SCRAPE_TOKEN: 'scrape-me' });
    try {
      await request(off.url).get('/metrics').expect(404);
      const denied = await request(guarded.url).get('/metrics').expect(401);
      expect(denied.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(denied.body.error).toBe('UNAUTHORIZED');
      await request(guarded.url).get('/metrics').set('Authorization', 'Bearer wrong-token').expect(401);
      const ok = await request(guarded.url).get('/metrics').set('Authorization', 'Bearer scrape-me').expect(200);
      expect(ok.text).toContain('http_server_request_duration_seconds');
    } finally {
      await Promise.all([off.close(), guarded.close()]);
    }
  });

  it('refuses to start in production with /metrics open to anyone, naming the variable', async () => {
    await expect(createApp({ ...env(), NODE_ENV: 'production', METRICS_ENABLED: 'true' })).rejects.toThrow(/METRICS_AUTH: must be "token"/);
    await expect(createApp({ ...env(), TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: '' })).rejects.toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: is required/);
    await expect(createApp({ ...env(), TRACES_EXPORTER: 'azure-monitor' })).rejects.toThrow(/APPLICATIONINSIGHTS_CONNECTION_STRING: is required/);
  });
});
