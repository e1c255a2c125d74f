import type { AddressInfo } from 'node:net';
import express from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { getcodeEnv, startApp, type RunningApp } from '../support/app.js';
import { httpConfigSection } from '../../src/config/http.config.js';

/**
 * Behind one ingress (TRUST_PROXY=1) the client is the address the ingress appended: the
 * rightmost X-Forwarded-For entry. The leftmost entries are whatever the client wrote itself, so
 * rotating them must not buy a fresh rate limit.
 */
describe('TRUST_PROXY=1: the rate limits key on the address the ingress saw, not on what the client wrote', () => {
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  let running: RunningApp;
  const LIMIT = 3;
  /** The client's own entries rotate; the ingress appended `client` (each test its own: a limit is one budget per client across routes). */
  const forwarded = (i: number, client: string) => `10.${i >> 8}.${i & 255}.7, 198.51.100.${i % 200}, ${client}`;

  beforeAll(async () => {
    [azurite, numbers] = await Promise.all([startAzurite(), new NumberApiDouble().start()]);
    running = await startApp(
      getcodeEnv(azurite, numbers, {
        CODE_TABLE_CREATE_IF_MISSING: 'true',
        TRUST_PROXY: '1',
        THROTTLE_LIMIT: String(LIMIT),
        VERIFY_THROTTLE_LIMIT: String(LIMIT),
      }),
    );
  });

  afterAll(async () => {
    await running?.close();
    await numbers?.stop();
    await azurite?.stop();
  });

  it('getcode: rotating the leftmost entries with a fixed rightmost one is one client, limited', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 3; i++) statuses.push((await request(running.url).get('/api/v1/getcode').set('X-Forwarded-For', forwarded(i, '203.0.113.9'))).status);
    expect(statuses).toEqual([...Array(LIMIT).fill(200), 429, 429, 429]);
    // Another client (another rightmost entry) still has its own budget.
    expect((await request(running.url).get('/api/v1/getcode').set('X-Forwarded-For', '10.0.0.1, 203.0.113.10')).status).toBe(200);
  });

  it('verifycode: the same', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 3; i++) {
      statuses.push((await request(running.url).post('/api/v1/verifycode').set('X-Forwarded-For', forwarded(i, '203.0.113.20')).send({ code: 'abc-123-def' })).status);
    }
    expect(statuses).toEqual([...Array(LIMIT).fill(200), 429, 429, 429]);
  });
});

describe('TRUST_PROXY=1 as Express reads it', () => {
  let server: ReturnType<ReturnType<typeof express>['listen']>;
  let url = '';

  beforeAll(async () => {
    const parsed = httpConfigSection.parse({ TRUST_PROXY: '1' });
    if (!parsed.ok) throw new Error(parsed.problems.join());
    const app = express();
    app.set('trust proxy', parsed.value.trustProxy);
    app.get('/ip', (req, res) => void res.json({ ip: req.ip }));
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('invariant: for any X-Forwarded-For list, req.ip is its rightmost entry', async () => {
    const address = fc.oneof(fc.ipV4(), fc.ipV6());
    const space = fc.constantFrom('', ' ', '  ');
    const entry = fc.tuple(space, address, space).map(([a, ip, b]) => `${a}${ip}${b}`);
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 8 }), async (entries) => {
        const res = await fetch(`${url}/ip`, { headers: { 'x-forwarded-for': entries.join(',') } });
        const { ip } = (await res.json()) as { ip: string };
        expect(ip).toBe(entries.at(-1)!.trim());
      }),
      { numRuns: 200 },
    );
  });
});
