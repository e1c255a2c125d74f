import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { createCodeStorage, startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { spawnEntry, type SpawnedProcess, stopAll } from '../support/processes.js';
import { CLIENT_ID, CLIENT_SECRET, SESSION_SECRET, freePort, startTestIdp } from '../auth/support/oidc-harness.js';

/**
 * The doctor's checks at the API's start (one warn line per failure, naming the fix; the API still
 * starts and reports itself unready), the IdP in readiness, and getcode's log naming the missing
 * resource and the variable that creates it while its answer says no more than before. Real API
 * processes (dist/apps/api/main.js), Azurite, a dev IdP and the number API double.
 */
describe('start-up checks, readiness and getcode logs', () => {
  let azurite: AzuriteHandle;
  let idp: RunningDevIdp;
  let numbers: NumberApiDouble;
  let port: number;
  const spawned: SpawnedProcess[] = [];

  beforeAll(async () => {
    port = await freePort();
    azurite = await startAzurite();
    await createCodeStorage(azurite);
    idp = await startTestIdp([`http://127.0.0.1:${port}`]);
    numbers = await new NumberApiDouble().start();
  }, 60_000);

  afterEach(() => stopAll(spawned));

  afterAll(async () => {
    await numbers?.stop();
    await idp?.close();
    await azurite?.stop();
  });

  const start = async (extra: Record<string, string>): Promise<SpawnedProcess> => {
    const child = spawnEntry('apps/api/main.js', {
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: String(port),
      HOST: '127.0.0.1',
      THIRD_PARTY_API_ENDPOINT: numbers.url,
      SECRET_THIRD_PARTY_API_KEY: numbers.validKey,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AUTH_PROVIDER: 'dev',
      OIDC_ISSUER_URL: idp.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      SECRET_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      SECRET_SESSION_SECRET: SESSION_SECRET,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      AUTH_SESSION_STORE: 'memory',
      ...extra,
    });
    spawned.push(child);
    await child.waitFor(/API listening/);
    return child;
  };
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;

  it('a healthy configuration: the start-up checks pass, readiness includes the IdP', async () => {
    const api = await start({});
    await api.waitFor(/\d+ start-up checks passed/);
    const ready = await fetch(url('/health/ready'));
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { details: Record<string, unknown> }).details.identityProvider).toEqual({ status: 'up' });
  });

  it('a wrong issuer and a missing table at start: one warn line each naming the fix and the variable; live, but not ready', async () => {
    const wrong = idp.issuer.replace('127.0.0.1', 'localhost');
    const api = await start({ OIDC_ISSUER_URL: wrong, CODE_TABLE_NAME: 'nosuchtable' });
    await api.waitFor(/start-up checks failed/);
    const warnings = api
      .output()
      .split('\n')
      .filter((line) => line.includes('"context":"Doctor"') && line.includes('"level":40'));
    const issuer = warnings.filter((line) => line.includes('idp.issuer failed'));
    expect(issuer).toHaveLength(1);
    expect(issuer[0]).toContain(`the IdP names issuer ${idp.issuer}, the configuration expects ${wrong}. Fix: set the issuer the IdP publishes`);
    expect(issuer[0]).toContain('(OIDC_ISSUER_URL)');
    const table = warnings.filter((line) => line.includes('code-table failed'));
    expect(table).toHaveLength(1);
    expect(table[0]).toContain('table \\"nosuchtable\\" does not exist. Fix: create it');
    expect(table[0]).toContain('(CODE_TABLE_NAME)');

    expect((await fetch(url('/health/live'))).status).toBe(200);
    const ready = await fetch(url('/health/ready'));
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { error: Record<string, unknown> };
    expect(body.error.identityProvider).toEqual({ status: 'down' });
    expect(body.error.codeTable).toEqual({ status: 'down' });
  });

  it('getcode with a missing code table: the answer is unchanged, the log names the table and the variables that make and name it', async () => {
    const api = await start({ CODE_TABLE_NAME: 'nosuchtable', AUTH_PROVIDER: 'none' });
    const res = await fetch(url('/api/v1/getcode'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'CODE_TABLE_UNAVAILABLE', message: 'The code table is unavailable. Try again shortly.' });
    await api.waitFor(/CODE_TABLE_UNAVAILABLE: .*table \\"nosuchtable\\" does not exist; create it .*CODE_TABLE_CREATE_IF_MISSING=true.*\(CODE_TABLE_NAME\)/);
  });

  it('getcode with a missing queue: the answer is unchanged, the log names the queue and the variables', async () => {
    const api = await start({ STORAGE_QUEUE_NAME: 'no-such-queue', AUTH_PROVIDER: 'none' });
    const res = await fetch(url('/api/v1/getcode'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'QUEUE_UNAVAILABLE', message: 'The code queue is unavailable; no code was issued. Try again shortly.' });
    await api.waitFor(/QUEUE_UNAVAILABLE: .*queue \\"no-such-queue\\" does not exist; create it .*QUEUE_CREATE_IF_MISSING=true.*\(STORAGE_QUEUE_NAME\)/);
  });
});
