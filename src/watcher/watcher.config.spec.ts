import { watcherConfigSection } from './watcher.config.js';

describe('watcher config', () => {
  it('defaults follow Azure Functions: 5 deliveries, 100 ms to 60 s back-off; TTL 600 s', () => {
    const result = watcherConfigSection.parse({});
    expect(result).toMatchObject({
      ok: true,
      value: { codeTtlSeconds: 600, maxDequeueCount: 5, poisonQueueName: 'code-requests-poison', batchSize: 16, pollMinMs: 100, pollMaxMs: 60_000 },
    });
  });

  it('names the poison queue after the watched queue, also when it comes from STORAGE_QUEUE_URL', () => {
    expect(watcherConfigSection.parse({ STORAGE_QUEUE_URL: 'https://acct.queue.core.windows.net/codes' })).toMatchObject({ value: { poisonQueueName: 'codes-poison' } });
    expect(watcherConfigSection.parse({ STORAGE_QUEUE_NAME: 'q01' })).toMatchObject({ value: { poisonQueueName: 'q01-poison' } });
  });

  it('names every bad variable', () => {
    const result = watcherConfigSection.parse({ WATCHER_BATCH_SIZE: '33', CODE_TTL_SECONDS: '0', WATCHER_POLL_MIN_MS: '500', WATCHER_POLL_MAX_MS: '100' });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems.join('\n');
    expect(problems).toMatch(/WATCHER_BATCH_SIZE: must be an integer from 1 to 32/);
    expect(problems).toMatch(/CODE_TTL_SECONDS/);
  });

  it('rejects a maximum poll interval below the minimum', () => {
    const result = watcherConfigSection.parse({ WATCHER_POLL_MIN_MS: '500', WATCHER_POLL_MAX_MS: '100' });
    expect(result).toEqual({ ok: false, problems: ['WATCHER_POLL_MAX_MS: must be at least WATCHER_POLL_MIN_MS (500)'] });
  });
});
