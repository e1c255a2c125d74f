import request from 'supertest';
import { TableClient } from '@azure/data-tables';
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite, type AzuriteHandle } from './support/azurite.js';
import { NumberApiDouble } from './support/number-api-double.js';
import { getcodeEnv, startApp, type RunningApp } from './support/app.js';
import { drainQueue } from './support/queue.js';
import { CODE_PATTERN } from '../src/codes/code-generator.js';

const QUEUE = 'code-requests';

describe('GET /api/v1/getcode against real Azurite', () => {
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  let running: RunningApp;

  const env = () => ({
    ...getcodeEnv(azurite, numbers),
    CODE_TABLE_CREATE_IF_MISSING: 'true',
    THIRD_PARTY_API_TIMEOUT_MS: '500',
    QUEUE_MAX_TRIES: '2',
    QUEUE_REQUEST_TIMEOUT_MS: '1000',
    QUEUE_RETRY_DELAY_MS: '50',
  });

  beforeAll(async () => {
    [azurite, numbers] = await Promise.all([startAzurite(), new NumberApiDouble().start()]);
    running = await startApp(env());
  });

  afterAll(async () => {
    await running?.close();
    await numbers?.stop();
    await azurite?.stop();
  });

  beforeEach(async () => {
    numbers.behaviour = { kind: 'ok' };
    await drainQueue(azurite.connectionString, QUEUE);
  });

  it('answers {code, timestamp} and the queue holds exactly the codes returned', async () => {
    const answers = [];
    for (let i = 0; i < 12; i++) {
      const res = await request(running.url).get('/api/v1/getcode').expect(200).expect('Content-Type', /json/);
      expect(Object.keys(res.body).sort()).toEqual(['code', 'timestamp']);
      expect(res.body.code).toMatch(CODE_PATTERN);
      expect(new Date(res.body.timestamp).toISOString()).toBe(res.body.timestamp);
      answers.push(res.body);
    }
    const queued = (await drainQueue(azurite.connectionString, QUEUE)).map((body) => JSON.parse(body));
    expect(queued).toHaveLength(12);
    expect(queued).toEqual(expect.arrayContaining(answers));
    expect(answers).toEqual(expect.arrayContaining(queued));
  });

  it('sends the function key in x-functions-key', async () => {
    numbers.keysSeen.length = 0;
    await request(running.url).get('/api/v1/getcode').expect(200);
    expect(numbers.keysSeen).toEqual([numbers.validKey]);
  });

  describe('number API faults: nothing is queued', () => {
    it.each([
      ['a 500', { kind: 'status', status: 500 }, 502, 'NUMBER_API_BAD_STATUS'],
      ['a 404', { kind: 'status', status: 404 }, 502, 'NUMBER_API_BAD_STATUS'],
      ['a timeout', { kind: 'slow', delayMs: 2000 }, 504, 'NUMBER_API_TIMEOUT'],
      ['a connection reset', { kind: 'reset' }, 502, 'NUMBER_API_UNREACHABLE'],
      ['a body that is not JSON', { kind: 'body', body: '<html>oops' }, 502, 'NUMBER_API_BAD_RESPONSE'],
      ['a value that is not an integer', { kind: 'body', body: '{"value":"161"}' }, 502, 'NUMBER_API_BAD_RESPONSE'],
      ['a fractional value', { kind: 'body', body: '{"value":1.5}' }, 502, 'NUMBER_API_BAD_RESPONSE'],
      ['JSON null', { kind: 'body', body: 'null' }, 502, 'NUMBER_API_BAD_RESPONSE'],
    ] as const)('%s → %s %s', async (_name, behaviour, status, error) => {
      numbers.behaviour = behaviour;
      const res = await request(running.url).get('/api/v1/getcode').expect(status);
      expect(res.body).toEqual({ error, message: expect.stringContaining('Could not get you a code.') });
      expect(await drainQueue(azurite.connectionString, QUEUE)).toEqual([]);
    });

    it('a wrong key: 401 upstream → key re-read once, one retry only → 502', async () => {
      const before = numbers.requests;
      numbers.validKey = 'rotated-elsewhere';
      try {
        const res = await request(running.url).get('/api/v1/getcode').expect(502);
        expect(res.body.error).toBe('NUMBER_API_BAD_STATUS');
        expect(numbers.requests - before).toBe(2);
      } finally {
        numbers.validKey = 'test-function-key';
      }
      expect(await drainQueue(azurite.connectionString, QUEUE)).toEqual([]);
    });
  });

  it('unknown routes are 404 JSON', async () => {
    const res = await request(running.url).get('/no/such/route').expect(404);
    expect(res.body).toEqual({ error: 'NOT_FOUND', message: 'Cannot GET /no/such/route' });
  });

  it('serves the home page linking to getcode, liveness, readiness and the OpenAPI docs', async () => {
    const home = await request(running.url).get('/').expect(200).expect('Content-Type', /html/);
    expect(home.text).toContain('href="./api/v1/getcode"');
    await request(running.url).get('/health/live').expect(200);
    const ready = await request(running.url).get('/health/ready').expect(200);
    expect(ready.body.info).toMatchObject({
      secrets: { status: 'up' },
      queue: { status: 'up' },
      numberApi: { status: 'up' },
      codeTable: { status: 'up' },
    });
    const docs = await request(running.url).get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toContain('/api/v1/getcode');
  });

  it('echoes a sane x-request-id and replaces an unsafe one', async () => {
    const kept = await request(running.url).get('/health/live').set('x-request-id', 'abc-123').expect(200);
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await request(running.url).get('/health/live').set('x-request-id', 'bad id with spaces').expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('getcode with QUEUE_MESSAGE_ENCODING=base64', () => {
  it('writes base64 JSON, as an Azure Functions queue trigger expects', async () => {
    const azurite = await startAzurite();
    const numbers = await new NumberApiDouble().start();
    const running = await startApp(getcodeEnv(azurite, numbers, { QUEUE_MESSAGE_ENCODING: 'base64', CODE_TABLE_CREATE_IF_MISSING: 'true' }));
    try {
      const res = await request(running.url).get('/api/v1/getcode').expect(200);
      const [raw] = await drainQueue(azurite.connectionString, QUEUE);
      expect(raw).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(JSON.parse(Buffer.from(raw!, 'base64').toString('utf8'))).toEqual(res.body);
    } finally {
      await running.close();
      await numbers.stop();
      await azurite.stop();
    }
  });
});

/**
 * getcode writes two things: the table row first, the queue message second. Queue and table run in
 * two Azurite instances here, so either one can go down alone. Whatever fails, a returned code
 * always verifies, and a code that was not returned never verifies past its TTL (here: not at all).
 */
describe('getcode when the queue or the table is down', () => {
  let queueSide: AzuriteHandle;
  let tableSide: AzuriteHandle;
  let numbers: NumberApiDouble;
  let running: RunningApp;
  let connectionString: string;

  const table = () => TableClient.fromConnectionString(connectionString, 'validcodes', { allowInsecureConnection: true });
  const rows = async () => {
    const out: Record<string, unknown>[] = [];
    for await (const entity of table().listEntities()) if (entity.rowKey === 'code') out.push(entity);
    return out;
  };
  const verify = async (code: string) => (await request(running.url).post('/api/v1/verifycode').send({ code }).expect(200)).body.valid as boolean;

  beforeAll(async () => {
    [queueSide, tableSide, numbers] = await Promise.all([startAzurite({ table: false }), startAzurite(), new NumberApiDouble().start()]);
    connectionString =
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
      `QueueEndpoint=${queueSide.queueEndpoint};TableEndpoint=${tableSide.tableEndpoint};`;
    running = await startApp({
      ...getcodeEnv(queueSide, numbers, { QUEUE_MAX_TRIES: '2', QUEUE_REQUEST_TIMEOUT_MS: '1000', QUEUE_RETRY_DELAY_MS: '50' }),
      AZURE_STORAGE_CONNECTION_STRING: connectionString,
      CODE_TABLE_CREATE_IF_MISSING: 'true',
      VERIFY_MAX_ATTEMPTS: '1000',
    });
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    await numbers?.stop();
    await Promise.all([queueSide?.stop(), tableSide?.stop()]);
  }, 60_000);

  it('queue down: 503 QUEUE_UNAVAILABLE, no code in the answer, and the row it wrote is revoked, so it never verifies', async () => {
    expect(await verify((await request(running.url).get('/api/v1/getcode').expect(200)).body.code)).toBe(true);
    // Table Storage lists rows by PartitionKey (the code), not by insertion: compare by key.
    const before = new Set((await rows()).map((r) => r.partitionKey));
    await queueSide.stop();
    const res = await request(running.url).get('/api/v1/getcode').expect(503);
    expect(res.body).toEqual({ error: 'QUEUE_UNAVAILABLE', message: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toMatch(/[A-Za-z]{3}-\d+-[A-Za-z]{3}/);
    const written = (await rows()).filter((r) => !before.has(r.partitionKey));
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ state: 'revoked' });
    expect(await verify(written[0]!.partitionKey as string)).toBe(false);
    const ready = await request(running.url).get('/health/ready').expect(503);
    expect(ready.body.error.queue.status).toBe('down');

    await queueSide.restart(); // in-memory: the queue is gone too
    const { QueueClient } = await import('@azure/storage-queue');
    await new QueueClient(connectionString, QUEUE).create();
    const again = (await request(running.url).get('/api/v1/getcode').expect(200)).body as { code: string; timestamp: string };
    expect((await drainQueue(connectionString, QUEUE)).map((b) => JSON.parse(b))).toEqual([again]);
    expect(await verify(again.code)).toBe(true);
  }, 60_000);

  it('table down: 503 CODE_TABLE_UNAVAILABLE, no code in the answer, and nothing is queued', async () => {
    await drainQueue(connectionString, QUEUE);
    await tableSide.stop();
    const res = await request(running.url).get('/api/v1/getcode').expect(503);
    expect(res.body).toEqual({ error: 'CODE_TABLE_UNAVAILABLE', message: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toMatch(/[A-Za-z]{3}-\d+-[A-Za-z]{3}/);
    expect(await drainQueue(connectionString, QUEUE)).toEqual([]);

    await tableSide.restart();
    await table().createTable();
    const again = (await request(running.url).get('/api/v1/getcode').expect(200)).body as { code: string };
    expect(await verify(again.code)).toBe(true);
  }, 60_000);

  it('a row left valid by a failed revocation (no message, no watcher) stops verifying at its own expiresAt', async () => {
    const code = 'lft-999-ovr';
    const issuedAt = new Date();
    await table().createEntity({ partitionKey: code, rowKey: 'code', issuedAt: issuedAt.toISOString(), expiresAt: new Date(issuedAt.getTime() + 1000).toISOString(), state: 'valid', activatedAt: issuedAt.toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await verify(code)).toBe(false);
  });
});
