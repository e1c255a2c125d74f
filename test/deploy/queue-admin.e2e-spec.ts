import { QueueClient } from '@azure/storage-queue';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { execFile } from 'node:child_process';
import { distEntry } from '../support/processes.js';
import { runQueueAdmin } from '../../src/apps/queue-admin/main.js';

describe('queue:peek / queue:clear against Azurite (the same QueueConfig as the app)', () => {
  let azurite: AzuriteHandle;
  beforeAll(async () => {
    azurite = await startAzurite({ table: false });
  });
  afterAll(async () => {
    await azurite?.stop();
  });

  it('peeks without consuming, then clears', async () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, STORAGE_QUEUE_NAME: 'admin-test' };
    const queue = new QueueClient(azurite.connectionString, 'admin-test');
    await queue.createIfNotExists();
    for (const code of ['aaa-1-bbb', 'ccc-2-ddd', 'eee-3-fff']) await queue.sendMessage(JSON.stringify({ code, timestamp: '2026-01-01T00:00:00.000Z' }));

    const first = await runQueueAdmin('peek', env);
    expect(first.queue).toBe('admin-test');
    expect(first.approximateCount).toBe(3);
    expect(first.messages!.map((m) => JSON.parse(m.body).code)).toEqual(['aaa-1-bbb', 'ccc-2-ddd', 'eee-3-fff']);
    expect((await runQueueAdmin('peek', env)).messages).toHaveLength(3); // peeking took nothing away

    const cleared = await runQueueAdmin('clear', env);
    expect(cleared).toEqual({ queue: 'admin-test', approximateCount: 3, cleared: true });
    expect((await queue.getProperties()).approximateMessagesCount).toBe(0);
  });

  it('works on the poison queue and decodes base64 bodies', async () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, STORAGE_QUEUE_NAME: 'b64-test', QUEUE_MESSAGE_ENCODING: 'base64' };
    const poison = new QueueClient(azurite.connectionString, 'b64-test-poison');
    await poison.createIfNotExists();
    await poison.sendMessage(Buffer.from('{"code":"x"}').toString('base64'));
    const peeked = await runQueueAdmin('peek', env, { poison: true });
    expect(peeked.queue).toBe('b64-test-poison');
    expect(peeked.messages!.map((m) => m.body)).toEqual(['{"code":"x"}']);
  });

  it('runs as the compiled npm script entry (dist/apps/queue-admin/main.js) and reports bad config by name', async () => {
    const queue = new QueueClient(azurite.connectionString, 'cli-test');
    await queue.createIfNotExists();
    await queue.sendMessage('hello');
    const cli = (args: string[], env: Record<string, string>) =>
      run(process.execPath, [distEntry('apps/queue-admin/main.js'), ...args], { env: { PATH: process.env.PATH ?? '', ...env } });

    const peek = await cli(['peek'], { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, STORAGE_QUEUE_NAME: 'cli-test' });
    expect(peek.code).toBe(0);
    expect(JSON.parse(peek.stdout).messages.map((m: { body: string }) => m.body)).toEqual(['hello']);

    const clear = await cli(['clear'], { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, STORAGE_QUEUE_NAME: 'cli-test' });
    expect(clear.code).toBe(0);
    expect((await queue.getProperties()).approximateMessagesCount).toBe(0);

    const bad = await cli(['peek'], { STORAGE_QUEUE_URL: 'not a url' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/STORAGE_QUEUE_URL/);
    const usage = await cli(['drop'], {});
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/usage: queue-admin/);
  });
});

function run(cmd: string, args: string[], options: { env: Record<string, string> }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: options.env, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
