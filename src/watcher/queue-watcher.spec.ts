import { RestError } from '@azure/core-rest-pipeline';
import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { CodeLifecycle, LifecycleResult } from './code-lifecycle.js';
import type { CodeMessage } from './code-message.codec.js';
import { QueueWatcher, type WatcherLogger } from './queue-watcher.js';
import type { WatcherConfig } from './watcher.config.js';

/**
 * The loop's timing rules with a scripted queue (the storage behaviour itself is covered against
 * Azurite in test/lifecycle): back-off on 5xx, lease renewal during slow processing, settling with
 * the renewed pop receipt.
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

function item(text: string): DequeuedMessageItem {
  return {
    messageId: 'm1',
    popReceipt: 'pop-0',
    messageText: text,
    dequeueCount: 1,
    insertedOn: new Date(),
    expiresOn: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    nextVisibleOn: new Date(),
  } as DequeuedMessageItem;
}

class ScriptedQueue {
  readonly calls: string[] = [];
  receives = 0;
  private pops = 0;
  constructor(private readonly script: Array<() => DequeuedMessageItem[]>) {}
  readonly name = 'code-requests';
  async receiveMessages() {
    this.receives++;
    const next = this.script.shift();
    return { receivedMessageItems: next ? next() : [] };
  }
  async updateMessage(id: string, pop: string, text: string | undefined, visibility: number) {
    this.calls.push(`update ${id} ${pop} ${text === undefined ? 'same-text' : 'new-text'} ${visibility}`);
    return { popReceipt: `pop-${++this.pops}` };
  }
  async deleteMessage(id: string, pop: string) {
    this.calls.push(`delete ${id} ${pop}`);
    return {};
  }
  async sendMessage() {
    this.calls.push('send');
    return {};
  }
}

const asClient = (q: ScriptedQueue) => q as unknown as QueueClient;
const body = JSON.stringify({ code: 'abc-1-abc', timestamp: new Date().toISOString() });

describe('QueueWatcher', () => {
  it('backs off on 5xx answers, then processes; keeps polling (with back-off) when empty', async () => {
    const fail = () => {
      throw new RestError('server busy', { statusCode: 503 });
    };
    const queue = new ScriptedQueue([fail, fail, () => [item(body)]]);
    const handled: CodeMessage[] = [];
    const lifecycle = { handle: async (m: CodeMessage): Promise<LifecycleResult> => (handled.push(m), { outcome: 'expired-on-arrival' }) } as unknown as CodeLifecycle;
    const watcher = new QueueWatcher(asClient(queue), asClient(new ScriptedQueue([])), lifecycle, config, quiet);
    watcher.start();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await watcher.stop();
    expect(handled.map((m) => m.code)).toEqual(['abc-1-abc']);
    expect(queue.calls).toEqual(['delete m1 pop-0']);
    // 2 failures + 1 batch + empty polls spaced 10–40 ms apart: not a busy loop, not stalled.
    expect(queue.receives).toBeGreaterThanOrEqual(5);
    expect(queue.receives).toBeLessThan(40);
  });

  it('renews the lease of a message that outlives it and settles with the renewed pop receipt', async () => {
    const queue = new ScriptedQueue([() => [item(body)]]);
    const lifecycle = {
      handle: async (): Promise<LifecycleResult> => {
        await new Promise((resolve) => setTimeout(resolve, 2300)); // > the 2 s visibility timeout
        return { outcome: 'activated', expiry: { message: { code: 'abc-1-abc', issuedAt: new Date(), expiresAt: new Date(Date.now() + 600_000), extra: {} }, delaySeconds: 600 } };
      },
    } as unknown as CodeLifecycle;
    const watcher = new QueueWatcher(asClient(queue), asClient(new ScriptedQueue([])), lifecycle, config, quiet);
    watcher.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await watcher.stop(); // waits for the message in hand
    expect(queue.calls).toEqual([
      'update m1 pop-0 same-text 2', // at 1 s
      'update m1 pop-1 same-text 2', // at 2 s
      'update m1 pop-2 new-text 600', // turned into its expiry message, with the latest receipt
    ]);
    expect(watcher.stats.completed).toBe(1);
  }, 10_000);

  it('releases a failed message for a retry, and poisons it on the last allowed delivery', async () => {
    const failing = { handle: async (): Promise<LifecycleResult> => Promise.reject(new Error('table down')) } as unknown as CodeLifecycle;
    const first = new ScriptedQueue([() => [item(body)]]);
    const poison1 = new ScriptedQueue([]);
    const w1 = new QueueWatcher(asClient(first), asClient(poison1), failing, { ...config, retryBaseSeconds: 3 }, quiet);
    w1.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await w1.stop();
    expect(first.calls).toEqual(['update m1 pop-0 same-text 3']);
    expect(poison1.calls).toEqual([]);

    const last = new ScriptedQueue([() => [{ ...item(body), dequeueCount: 5 }]]);
    const poison2 = new ScriptedQueue([]);
    const w2 = new QueueWatcher(asClient(last), asClient(poison2), failing, config, quiet);
    w2.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await w2.stop();
    expect(poison2.calls).toEqual(['send']);
    expect(last.calls).toEqual(['delete m1 pop-0']);
    expect(w2.stats).toMatchObject({ failed: 1, poisoned: 1 });
  });
});
