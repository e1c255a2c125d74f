import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { startApp, type RunningApp } from '../support/app.js';
import { drainQueue } from '../support/queue.js';

const KEY = 'passthrough-key';
const CALLER = '00-11111111111111111111111111111111-2222222222222222-01';

/** TRACES_EXPORTER=none (the default): no spans are made, but a caller's trace context is passed on. */
describe('trace context with no exporter', () => {
  let azurite: AzuriteHandle;
  let numbers: Server;
  let running: RunningApp;
  const seen: Array<string | undefined> = [];

  beforeAll(async () => {
    azurite = await startAzurite();
    numbers = createServer((req, res) => {
      req.resume();
      seen.push(req.headers.traceparent as string | undefined);
      res.writeHead(req.headers['x-functions-key'] === KEY ? 200 : 401).end(JSON.stringify({ value: 5 }));
    });
    numbers.listen(0, '127.0.0.1');
    await once(numbers, 'listening');
    running = await startApp({
      THIRD_PARTY_API_ENDPOINT: `http://127.0.0.1:${(numbers.address() as AddressInfo).port}/api/RandomNumber`,
      SECRET_THIRD_PARTY_API_KEY: KEY,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      QUEUE_CREATE_IF_MISSING: 'true',
      CODE_TABLE_CREATE_IF_MISSING: 'true', // getcode writes the code table before it answers
    });
  });

  afterAll(async () => {
    await running?.close();
    await new Promise((r) => numbers?.close(r));
    await azurite?.stop();
  });

  it('passes the caller’s traceparent unchanged to the number API and into the queue message', async () => {
    seen.length = 0;
    await drainQueue(azurite.connectionString, 'code-requests');
    await request(running.url).get('/api/v1/getcode').set('traceparent', CALLER).expect(200);
    expect(seen).toEqual([CALLER]);
    const [message] = (await drainQueue(azurite.connectionString, 'code-requests')).map((b) => JSON.parse(b));
    expect(message.traceparent).toBe(CALLER);
  });

  it('adds nothing when there is no trace: the message is exactly the answer', async () => {
    seen.length = 0;
    const res = await request(running.url).get('/api/v1/getcode').expect(200);
    expect(seen).toEqual([undefined]);
    const [message] = (await drainQueue(azurite.connectionString, 'code-requests')).map((b) => JSON.parse(b));
    expect(message).toEqual(res.body);
  });
});
