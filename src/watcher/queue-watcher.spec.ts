import type { CodeLifecycle, LifecycleResult } from './code-lifecycle.js';
import type { CodeMessage } from './code-message.codec.js';
import { QueueWatcher, type WatcherLogger } from './queue-watcher.js';
import type { WatcherConfig } from './watcher.config.js';
import { InMemoryCodeQueueConsumer } from '../queue/in-memory-code-queue-consumer.js';
import { SystemClock } from '../common/clock.js';

/**
 * The loop's timing rules against the in-memory CodeQueueConsumer (the storage behaviour itself is
 * covered against Azurite in test/lifecycle): back-off on queue outages, lease renewal during slow
 * processing, settling after the renewal, retry and poison rules.
 */
const config: WatcherConfig = {
  codeTtlSeconds: 600,
  maxDequeueCount: 5,
  poisonQueueName: 'code-requests-poison',
  batchSize: 16,
  concurrency: 32,
  visibilityTimeoutSeconds: 2,
  pollMinMs: 10,
  pollMaxMs: 40,
  retryBaseSeconds: 0,
  maxMessageBytes: 8192,
  maxClockSkewSeconds: 300,
};

const quiet: WatcherLogger = { log() {}, debug() {}, warn() {}, error() {} };
const body = JSON.stringify({ code: 'abc-1-abc', timestamp: new Date().toISOString() });

describe('QueueWatcher', () => {
  it('backs off on queue outages, then processes; keeps polling (with back-off) when empty', async () => {
    const queue = new InMemoryCodeQueueConsumer('code-requests', 'code-requests-poison', new SystemClock());
    queue.failReceives(2);
    queue.enqueue(body);
    const handled: CodeMessage[] = [];
    const lifecycle = { handle: async (m: CodeMessage): Promise<LifecycleResult> => (handled.push(m), { outcome: 'expired-on-arrival' }) } as unknown as CodeLifecycle;
    const watcher = new QueueWatcher(queue, lifecycle, config, quiet, 'plain', new SystemClock());
    watcher.start();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await watcher.stop();
    expect(handled.map((m) => m.code)).toEqual(['abc-1-abc']);
    expect(queue.calls).toEqual(['settle m1']);
    expect(queue.pending).toEqual([]);
    // 2 failures + 1 batch + empty polls spaced 10–40 ms apart: not a busy loop, not stalled.
    expect(queue.receives).toBeGreaterThanOrEqual(5);
    expect(queue.receives).toBeLessThan(40);
  });

  it('renews the lease of a message that outlives it and settles it after the last renewal', async () => {
    const queue = new InMemoryCodeQueueConsumer('code-requests', 'code-requests-poison', new SystemClock());
    queue.enqueue(body);
    const lifecycle = {
      handle: async (): Promise<LifecycleResult> => {
        await new Promise((resolve) => setTimeout(resolve, 2300)); // > the 2 s visibility timeout
        return { outcome: 'activated', expiry: { message: { code: 'abc-1-abc', issuedAt: new Date(), expiresAt: new Date(Date.now() + 600_000), extra: {} }, delaySeconds: 600 } };
      },
    } as unknown as CodeLifecycle;
    const watcher = new QueueWatcher(queue, lifecycle, config, quiet, 'plain', new SystemClock());
    watcher.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await watcher.stop(); // waits for the message in hand
    expect(queue.calls).toEqual([
      'renew m1 2', // at 1 s
      'renew m1 2', // at 2 s
      'release m1 new-text 600', // turned into its expiry message, on the lease as renewed
    ]);
    expect(queue.pending).toEqual([expect.objectContaining({ id: 'm1', deliveryCount: 1 })]);
    expect(watcher.stats.completed).toBe(1);
  }, 10_000);

  it('releases a failed message for a retry, and poisons it on the last allowed delivery', async () => {
    const failing = { handle: async (): Promise<LifecycleResult> => Promise.reject(new Error('table down')) } as unknown as CodeLifecycle;
    const first = new InMemoryCodeQueueConsumer('code-requests', 'code-requests-poison', new SystemClock());
    first.enqueue(body);
    const w1 = new QueueWatcher(first, failing, { ...config, retryBaseSeconds: 3 }, quiet, 'plain', new SystemClock());
    w1.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await w1.stop();
    expect(first.calls).toEqual(['release m1 same-text 3']);
    expect(first.poisoned).toEqual([]);

    const last = new InMemoryCodeQueueConsumer('code-requests', 'code-requests-poison', new SystemClock());
    last.enqueue(body, { deliveryCount: 4 }); // this delivery is the 5th
    const w2 = new QueueWatcher(last, failing, config, quiet, 'plain', new SystemClock());
    w2.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await w2.stop();
    expect(last.calls).toEqual(['poison m1', 'settle m1']);
    expect(JSON.parse(last.poisoned[0]!)).toMatchObject({ messageId: 'm1', dequeueCount: 5, body, reason: expect.stringMatching(/^failed 5 times/) });
    expect(last.pending).toEqual([]);
    expect(w2.stats).toMatchObject({ failed: 1, poisoned: 1 });
  });

  it('poisons a malformed message at once, keeping its body', async () => {
    const queue = new InMemoryCodeQueueConsumer('code-requests', 'code-requests-poison', new SystemClock());
    queue.enqueue('not json at all');
    const lifecycle = { handle: async () => ({ outcome: 'activated' }) } as unknown as CodeLifecycle;
    const watcher = new QueueWatcher(queue, lifecycle, config, quiet, 'plain', new SystemClock());
    watcher.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await watcher.stop();
    expect(JSON.parse(queue.poisoned[0]!)).toMatchObject({ body: 'not json at all', reason: expect.stringMatching(/^malformed/) });
    expect(watcher.stats.poisoned).toBe(1);
  });
});
