import request from 'supertest';
import { freePort } from '../support/ports.js';
import { spawnEntry, type SpawnedProcess } from '../support/processes.js';
import { CLIENT_KEY, CLIENT_SECRET, TikiHarness, otherCapabilitiesEnv } from './tiki-standin.harness.js';

/**
 * The API as a process (node dist/apps/api/main.js) at LOG_LEVEL=trace: every line it prints is searched for
 * the client secret, the signatures sent and every code and token that went through it.
 */
describe('Tini App: no secret or token in any log line (dist/apps/api/main.js at LOG_LEVEL=trace)', () => {
  let tiki: TikiHarness;
  let app: SpawnedProcess;
  let url: string;

  beforeAll(async () => {
    tiki = await new TikiHarness().start();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = spawnEntry('apps/api/main.js', {
      ...otherCapabilitiesEnv(),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'trace',
      // Every line written at once (no 1 s batch): the scan below reads all of it.
      LOG_FLUSH_MS: '0',
      CLIENT_KEY,
      CLIENT_SECRET,
      AUTH_ENDPOINT: `${tiki.baseUrl}/oauth/auth/token`,
      TINIAPP_TIMEOUT_MS: '300',
    });
    await app.waitFor(/API listening/);
  });

  afterAll(async () => {
    app?.kill();
    await app?.exited();
    await tiki?.stop();
  });

  it('logs the traffic but none of the secret, signatures, codes or tokens', async () => {
    const sensitive: string[] = [CLIENT_SECRET];
    const code = tiki.standin.issueCode({ id: 99, name: 'Log Check' });
    sensitive.push(code);
    const tokens = await request(url).post('/auth_exchange').set('Content-Type', 'application/json').send({ code }).expect(200);
    sensitive.push(tokens.body.data.access_token, tokens.body.data.refresh_token);
    const refreshed = await request(url).post('/auth_refresh').send({ refresh_token: tokens.body.data.refresh_token }).expect(200);
    sensitive.push(refreshed.body.data.access_token, refreshed.body.data.refresh_token);
    await request(url).post('/auth_info').send({ access_token: refreshed.body.data.access_token }).expect(200);

    // Tiki's 4xx with values of ours, a 400 echoing one, and the mapped faults.
    const spent = 'spent-code-' + 'x'.repeat(20);
    sensitive.push(spent);
    await request(url).post('/auth_exchange').send({ code: spent }).expect(400);
    await request(url).post('/auth_refresh').send({ refresh_token: tokens.body.data.refresh_token }).expect(400);
    await request(url).post('/auth_info').send({ token: refreshed.body.data.access_token }).expect(400);
    tiki.fault = { kind: 'status', status: 500 };
    await request(url).post('/auth_info').send({ access_token: refreshed.body.data.access_token }).expect(502);
    tiki.fault = { kind: 'slow', delayMs: 1000 };
    await request(url).post('/auth_exchange').send({ code: refreshed.body.data.refresh_token }).expect(504);
    tiki.fault = { kind: 'reset' };
    await request(url).post('/auth_refresh').send({ refresh_token: refreshed.body.data.refresh_token }).expect(502);
    tiki.fault = { kind: 'none' };

    for (const sent of tiki.standin.received) sensitive.push(String(sent.headers['x-tiniapp-signature']));

    // The fault lines can reach this process after the answers did: wait for them before scanning.
    await app.waitFor((text) => ['TIKI_API_BAD_STATUS', 'TIKI_API_TIMEOUT', 'TIKI_API_UNREACHABLE'].every((code) => text.includes(code)), 5_000).catch(() => undefined);
    const output = app.output();
    // The log is not empty: every request was logged, at trace level, with the upstream failures.
    expect(output.match(/"url":"\/auth_(exchange|refresh|info)"/g)?.length).toBeGreaterThanOrEqual(9);
    expect(output).toContain('TIKI_API_BAD_STATUS');
    expect(output).toContain('TIKI_API_TIMEOUT');
    expect(output).toContain('TIKI_API_UNREACHABLE');
    for (const value of sensitive) {
      expect(value.length).toBeGreaterThan(10);
      const line = output.split('\n').find((l) => l.includes(value));
      expect(line).toBeUndefined();
    }
  });
});
