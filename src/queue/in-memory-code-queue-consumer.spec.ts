import { clockOf } from '../../test/support/clock.js';
import { InMemoryCodeQueueConsumer } from './in-memory-code-queue-consumer.js';
import { QueueUnavailableError } from './queue.errors.js';

describe('InMemoryCodeQueueConsumer (queue semantics for the watcher specs)', () => {
  it('hides a received message for its lease, then hands it out again with a higher delivery count', async () => {
    let now = 0;
    const queue = new InMemoryCodeQueueConsumer('q', 'q-poison', clockOf(() => now));
    queue.enqueue('a');
    const [first] = await queue.receive(10, 2);
    expect(first).toMatchObject({ text: 'a', deliveryCount: 1 });
    expect(await queue.receive(10, 2)).toEqual([]);
    now = 2000;
    const [second] = await queue.receive(10, 2);
    expect(second).toMatchObject({ id: first!.id, deliveryCount: 2 });
    // The first delivery lost its lease: settling it is a no-op, releasing it fails.
    await queue.settle(first!);
    expect(queue.pending).toHaveLength(1);
    await expect(queue.release(first!, 0)).rejects.toBeInstanceOf(QueueUnavailableError);
    await queue.settle(second!);
    expect(queue.pending).toEqual([]);
  });

  it('release with a delay and a new text; send hides a new message', async () => {
    let now = 0;
    const queue = new InMemoryCodeQueueConsumer('q', 'q-poison', clockOf(() => now));
    queue.enqueue('a');
    const [m] = await queue.receive(1, 30);
    await queue.release(m!, 5, 'b');
    now = 4999;
    expect(await queue.receive(1, 30)).toEqual([]);
    now = 5000;
    expect((await queue.receive(1, 30))[0]).toMatchObject({ text: 'b', deliveryCount: 2 });
    await queue.send('c', 10);
    now = 15_000;
    expect((await queue.receive(5, 30)).map((x) => x.text)).toEqual(['c']);
  });
});
