import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { QueueClient } from '@azure/storage-queue';
import { TableClient } from '@azure/data-tables';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { freePort } from '../support/ports.js';
import { REPO_ROOT, spawnEntry, type SpawnedProcess, stopAll } from '../support/processes.js';

/**
 * Production starts the entry-point bundles (scripts/bundle.mjs: `npm run start:prod`, the image,
 * every deploy file), not tsc's module tree that the other tests run. These tests run the bundles
 * as start:prod does (its environment and Node flags) against real Azurite, so a dependency that
 * breaks when bundled (a file it reads beside itself, a free __dirname) shows here.
 */
const startProd = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start:prod']!;
const tokens = startProd.split(/\s+/);
/** `VAR=value` before `node` in start:prod (the compile cache), made absolute. */
const prodEnv = Object.fromEntries(
  tokens
    .slice(0, tokens.indexOf('node'))
    .map((t) => t.split('=') as [string, string])
    .map(([k, v]) => [k, k === 'NODE_COMPILE_CACHE' ? join(REPO_ROOT, v) : v]),
);
const prodFlags = tokens.filter((t) => t.startsWith('--') && !t.startsWith('--env-file'));
const KEY = 'bundle-test-function-key';

describe('entry-point bundles, started as production starts them', () => {
  let azurite: AzuriteHandle;
  let numbers: SpawnedProcess;
  let numbersUrl: string;
  const spawned: SpawnedProcess[] = [];

  const apiEnv = (port: number): Record<string, string> => ({
    ...prodEnv,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    SECRET_THIRD_PARTY_API_KEY: KEY,
    THIRD_PARTY_API_ENDPOINT: numbersUrl,
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
  });
  const spawnBundle = (entry: string, env: Record<string, string>): SpawnedProcess => {
    const p = spawnEntry(entry, env, prodFlags);
    spawned.push(p);
    return p;
  };

  beforeAll(async () => {
    azurite = await startAzurite();
    await new QueueClient(azurite.connectionString, 'code-requests').createIfNotExists();
    await TableClient.fromConnectionString(azurite.connectionString, 'validcodes', { allowInsecureConnection: true }).createTable();
    const port = await freePort();
    numbers = spawnEntry('dev/number-api/main.bundle.js', { ...prodEnv, NUMBER_API_PORT: String(port), SECRET_THIRD_PARTY_API_KEY: KEY }, prodFlags);
    await numbers.waitFor(/Number API listening/);
    numbersUrl = `http://127.0.0.1:${port}/api/RandomNumber`;
  }, 60_000);
  afterEach(() => stopAll(spawned, 'SIGKILL'));
  afterAll(async () => {
    numbers?.kill('SIGKILL');
    await numbers?.exited();
    await azurite?.stop();
  });

  it('the API bundle issues a code (number API bundle, table row, queue message) and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const api = spawnBundle('apps/api/main.bundle.js', apiEnv(port));
    await api.waitFor(/API listening/);
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/getcode`);
    expect(res.status).toBe(200);
    const { code } = (await res.json()) as { code: string };
    expect(code).toMatch(/^[a-zA-Z]{3}-\d+-[a-zA-Z]{3}$/);
    const row = await TableClient.fromConnectionString(azurite.connectionString, 'validcodes', { allowInsecureConnection: true }).getEntity(code, 'code');
    expect(row.state).toBe('valid');
    const peeked = await new QueueClient(azurite.connectionString, 'code-requests').peekMessages({ numberOfMessages: 32 });
    const codes = peeked.peekedMessageItems.map((m) => (JSON.parse(m.messageText) as { code: string }).code);
    expect(codes).toContain(code);
    api.kill('SIGTERM');
    expect(await api.exited()).toEqual({ code: 0, signal: null });
    // The request line was batched (LOG_FLUSH_MS); closing wrote it.
    expect(api.output()).toMatch(/"url":"\/api\/v1\/getcode"/);
  }, 60_000);

  it('the API bundle with THROTTLE_STORE=redis and no Redis: getcode still answers (in-process limits), the outage is logged once, no crash', async () => {
    const port = await freePort();
    const deadRedis = await freePort();
    const api = spawnBundle('apps/api/main.bundle.js', { ...apiEnv(port), THROTTLE_STORE: 'redis', REDIS_URL: `redis://127.0.0.1:${deadRedis}`, REDIS_COMMAND_TIMEOUT_MS: '300' });
    await api.waitFor(/API listening/);
    for (let i = 0; i < 3; i++) expect((await fetch(`http://127.0.0.1:${port}/api/v1/getcode`)).status).toBe(200);
    await api.waitFor(/Redis unreachable for rate limits/);
    expect(api.output().match(/Redis unreachable for rate limits/g)).toHaveLength(1);
    expect(api.child.exitCode).toBeNull();
  }, 60_000);

  it('the watcher bundle starts and receives from the queue', async () => {
    const ops = await freePort();
    const watcher = spawnBundle('apps/watcher/main.bundle.js', {
      ...prodEnv,
      NODE_ENV: 'production',
      OPS_PORT: String(ops),
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    });
    await watcher.waitFor(/Watcher receiving/);
    expect((await fetch(`http://127.0.0.1:${ops}/health/live`)).status).toBe(200);
  }, 60_000);

  it('every bundle is pure ASCII, so Node keeps its source at one byte per character', () => {
    const bundles = ['apps/api', 'apps/watcher', 'apps/tiniapp-backend', 'apps/queue-admin', 'apps/doctor', 'dev/number-api'].map((e) => `dist/${e}/main.bundle.js`);
    const nonAscii = bundles.filter((b) => /[^\u0000-\u007f]/.test(readFileSync(join(REPO_ROOT, b), 'utf8')));
    expect(nonAscii).toEqual([]);
  });

  it("start:prod's compile cache (filled by the build) is accepted for the API bundle", async () => {
    const child = spawn(process.execPath, [...prodFlags, join(REPO_ROOT, 'dist/apps/api/main.bundle.js')], {
      cwd: REPO_ROOT,
      // NODE_ENV=warm-up stops the API at its config check, after everything is compiled.
      env: { PATH: process.env.PATH ?? '', ...prodEnv, NODE_ENV: 'warm-up', NODE_DEBUG_NATIVE: 'COMPILE_CACHE' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    await new Promise((resolve) => child.once('exit', resolve));
    expect(out).toMatch(/V8 code cache for ESM file:\/\/\S+\/dist\/apps\/api\/main\.bundle\.js was accepted/);
  }, 60_000);
});
