import request from 'supertest';
import { freePort } from '../support/ports.js';
import { spawnEntry } from '../support/processes.js';
import { CLIENT_KEY, CLIENT_SECRET, TikiHarness } from './tiki-standin.harness.js';

/** Seed 004's Cloud Run shape: the standalone backend with only PORT and the seed's three variables. */
describe('the standalone Tini App backend (node dist/apps/tiniapp-backend/main.js)', () => {
  let tiki: TikiHarness;

  beforeAll(async () => {
    tiki = await new TikiHarness().start();
  });

  afterAll(async () => {
    await tiki.stop();
  });

  it('serves the three routes with only PORT (HOST for loopback), CLIENT_KEY, CLIENT_SECRET and AUTH_ENDPOINT set; stops on SIGTERM', async () => {
    const port = await freePort();
    const app = spawnEntry('apps/tiniapp-backend/main.js', {
      PORT: String(port),
      HOST: '127.0.0.1',
      CLIENT_KEY,
      CLIENT_SECRET,
      AUTH_ENDPOINT: `${tiki.baseUrl}/oauth/auth/token`,
    });
    try {
      await app.waitFor(/Tini App backend listening/);
      const url = `http://127.0.0.1:${port}`;
      expect((await request(url).get('/health/live').expect(200)).body).toMatchObject({ status: 'ok' });
      await request(url).get('/health/ready').expect(200);
      const tokens = await request(url).post('/auth_exchange').send({ code: tiki.standin.issueCode({ id: 3, name: 'Cloud Run' }) }).expect(200);
      expect(tokens.body.data.customer).toEqual({ id: 3, name: 'Cloud Run' });
      const refreshed = await request(url).post('/auth_refresh').send({ refresh_token: tokens.body.data.refresh_token }).expect(200);
      await request(url).post('/auth_info').send({ access_token: refreshed.body.data.access_token }).expect(200);
      const bad = await request(url).post('/auth_info').send([]).expect(400);
      expect(bad.body).toEqual({ error: 'BAD_REQUEST', message: 'No payload received' });
      await request(url).get('/api/v1/getcode').expect(404);
    } finally {
      app.kill('SIGTERM');
    }
    const { code, signal } = await app.exited();
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
  });

  it('refuses to start without configuration, or with a partial one, naming what is missing', async () => {
    const none = spawnEntry('apps/tiniapp-backend/main.js', {});
    expect((await none.exited()).code).toBe(1);
    expect(none.output()).toMatch(/CLIENT_KEY: is required/);

    const partial = spawnEntry('apps/tiniapp-backend/main.js', { CLIENT_KEY, AUTH_ENDPOINT: tiki.baseUrl });
    expect((await partial.exited()).code).toBe(1);
    expect(partial.output()).toMatch(/CLIENT_SECRET: is required/);
    expect(partial.output()).not.toMatch(/\n\s+at /);
  });
});
