import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { QueueClient } from '@azure/storage-queue';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { startApp, type RunningApp } from '../support/app.js';
import { freePort } from '../support/ports.js';
import { spawnEntry, type SpawnedProcess } from '../support/processes.js';
import { OtlpCollectorDouble } from './otlp-collector-double.js';
import { TELEMETRY } from '../../src/observability/observability.constants.js';
import type { Telemetry } from '../../src/observability/telemetry.js';

const KEY = 'watcher-obs-key';
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').pop()) : 0;
}

/**
 * One trace from the API's request through the number API call and the queue message into the
 * watcher (a separate process), and the watcher's own metrics on its operations port.
 */
describe('watcher telemetry: trace continued from the queue message, metrics on OPS_PORT', () => {
  let azurite: AzuriteHandle;
  let collector: OtlpCollectorDouble;
  let numbers: Server;
  let api: RunningApp;
  let watcher: SpawnedProcess;
  let opsUrl: string;
  let queueName: string;

  beforeAll(async () => {
    [azurite, collector] = await Promise.all([startAzurite(), new OtlpCollectorDouble().start()]);
    numbers = createServer((req, res) => {
      req.resume();
      res.writeHead(req.headers['x-functions-key'] === KEY ? 200 : 401).end(JSON.stringify({ value: 7 }));
    });
    numbers.listen(0, '127.0.0.1');
    await once(numbers, 'listening');
    queueName = `obs-${Date.now()}`;
    const shared = {
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      STORAGE_QUEUE_NAME: queueName,
      QUEUE_CREATE_IF_MISSING: 'true',
      CODE_TABLE_CREATE_IF_MISSING: 'true',
      TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    };
    api = await startApp({
      ...shared,
      THIRD_PARTY_API_ENDPOINT: `http://127.0.0.1:${(numbers.address() as AddressInfo).port}/api/RandomNumber`,
      SECRET_THIRD_PARTY_API_KEY: KEY,
      OTEL_SERVICE_NAME: 'api-under-test',
    });
    const opsPort = await freePort();
    opsUrl = `http://127.0.0.1:${opsPort}`;
    watcher = spawnEntry('apps/watcher/main.js', {
      ...shared,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      OPS_PORT: String(opsPort),
      OTEL_SERVICE_NAME: 'watcher-under-test',
      WATCHER_POLL_MAX_MS: '200',
      MAX_DEQUEUE_COUNT: '1',
    });
    await watcher.waitFor(/Health and metrics on port/);
  }, 60_000);

  afterAll(async () => {
    watcher?.kill('SIGTERM');
    await watcher?.exited();
    await api?.close();
    await new Promise((r) => numbers?.close(r));
    await Promise.all([collector?.stop(), azurite?.stop()]);
  });

  it('serves /health/live on OPS_PORT', async () => {
    await request(opsUrl).get('/health/live').expect(200);
    await request(opsUrl).get('/nothing-here').expect(404);
  });

  it('continues the request’s trace in the watcher: API server span → queue send → watcher consumer span', async () => {
    const before = (await request(opsUrl).get('/metrics').expect(200)).text;
    await request(api.url).get('/api/v1/getcode').set('traceparent', `00-${TRACE_ID}-b7ad6b7169203331-01`).expect(200);
    await (api.app.get(TELEMETRY) as Telemetry).flush();

    const consumer = await until('the watcher span', () =>
      collector.spans.find((s) => s.traceId === TRACE_ID && s.serviceName === 'watcher-under-test' && s.name === `process ${queueName}`),
    );
    const producer = collector.spans.find((s) => s.traceId === TRACE_ID && s.name === `send ${queueName}`)!;
    const server = collector.spans.find((s) => s.traceId === TRACE_ID && s.name === 'GET /api/v1/getcode')!;
    expect(producer.serviceName).toBe('api-under-test');
    expect(producer.parentSpanId).toBe(server.spanId);
    expect(consumer.parentSpanId).toBe(producer.spanId);

    const after = await until('the processed count', async () => {
      const text = (await request(opsUrl).get('/metrics')).text;
      return sample(text, 'watcher_messages_total', { outcome: 'processed' }) > sample(before, 'watcher_messages_total', { outcome: 'processed' }) ? text : undefined;
    });
    expect(sample(after, 'watcher_lag_seconds_count', { outcome: 'processed' })).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/# TYPE watcher_lag_seconds histogram/);
  });

  it('counts poisoned messages', async () => {
    const before = (await request(opsUrl).get('/metrics')).text;
    await new QueueClient(azurite.connectionString, queueName).sendMessage('this is not a code message');
    await until('the poisoned count', async () => {
      const text = (await request(opsUrl).get('/metrics')).text;
      return sample(text, 'watcher_messages_total', { outcome: 'poisoned' }) === sample(before, 'watcher_messages_total', { outcome: 'poisoned' }) + 1 ? true : undefined;
    });
  });
});
