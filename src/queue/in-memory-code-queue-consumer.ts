import type { Clock } from '../common/clock.js';
import { CodeQueueConsumer, type ReceivedCodeMessage } from './code-queue-consumer.js';
import { QueueUnavailableError } from './queue.errors.js';

interface StoredMessage {
  id: string;
  text: string;
  deliveryCount: number;
  insertedOn: Date;
  expiresOn?: Date;
  visibleAt: number;
  /** The delivery that holds the lease now; an older one has lost it. */
  lease?: ReceivedCodeMessage;
}

/**
 * The consumer contract in memory, with a queue's semantics (visibility leases, delivery counts, a
 * lease lost once the message reappears): proof that the watcher needs nothing Azure-specific, and
 * the queue of the watcher's unit specs. Not for production: nothing survives the process.
 * `calls` records every operation; `failReceives` makes the next receives fail like an outage.
 */
export class InMemoryCodeQueueConsumer extends CodeQueueConsumer {
  readonly calls: string[] = [];
  readonly poisoned: string[] = [];
  private receiveCount = 0;
  private readonly messages: StoredMessage[] = [];
  private failures: Error[] = [];
  private nextId = 1;

  constructor(
    readonly queueName: string,
    readonly poisonQueueName: string,
    private readonly clock: Clock,
  ) {
    super();
  }

  /** Puts a message on the queue as a producer would (`deliveryCount`: deliveries it already had). */
  enqueue(text: string, options: { deliveryCount?: number; expiresOn?: Date; delaySeconds?: number } = {}): string {
    const id = `m${this.nextId++}`;
    this.messages.push({
      id,
      text,
      deliveryCount: options.deliveryCount ?? 0,
      insertedOn: new Date(this.clock.now()),
      expiresOn: options.expiresOn ?? new Date(this.clock.now() + 7 * 24 * 3600 * 1000),
      visibleAt: this.clock.now() + (options.delaySeconds ?? 0) * 1000,
    });
    return id;
  }

  /** The next `count` receives fail with `error` (default: the queue is unavailable). */
  failReceives(count: number, error: Error = new QueueUnavailableError('HTTP 503 (ServerBusy)')): void {
    this.failures.push(...Array.from({ length: count }, () => error));
  }

  /** Receive calls made so far. */
  get receives(): number {
    return this.receiveCount;
  }

  /** Messages still on the queue, visible or not. */
  get pending(): ReadonlyArray<{ id: string; text: string; deliveryCount: number }> {
    return this.messages;
  }

  async createIfMissing(): Promise<void> {}

  async receive(max: number, visibilitySeconds: number): Promise<ReceivedCodeMessage[]> {
    this.receiveCount++;
    const failure = this.failures.shift();
    if (failure) throw failure;
    const now = this.clock.now();
    return this.messages
      .filter((m) => m.visibleAt <= now)
      .slice(0, max)
      .map((m) => {
        m.deliveryCount++;
        m.visibleAt = now + visibilitySeconds * 1000;
        m.lease = { id: m.id, text: m.text, deliveryCount: m.deliveryCount, insertedOn: m.insertedOn, expiresOn: m.expiresOn };
        return m.lease;
      });
  }

  async renew(message: ReceivedCodeMessage, visibilitySeconds: number): Promise<void> {
    this.calls.push(`renew ${message.id} ${visibilitySeconds}`);
    this.leased(message).visibleAt = this.clock.now() + visibilitySeconds * 1000;
  }

  async settle(message: ReceivedCodeMessage): Promise<void> {
    this.calls.push(`settle ${message.id}`);
    const stored = this.messages.find((m) => m.id === message.id);
    if (!stored || stored.lease !== message) return; // lease lost: see the contract
    this.messages.splice(this.messages.indexOf(stored), 1);
  }

  async release(message: ReceivedCodeMessage, delaySeconds: number, text?: string): Promise<void> {
    this.calls.push(`release ${message.id} ${text === undefined ? 'same-text' : 'new-text'} ${delaySeconds}`);
    const stored = this.leased(message);
    stored.visibleAt = this.clock.now() + delaySeconds * 1000;
    if (text !== undefined) stored.text = text;
    stored.lease = undefined;
  }

  async moveToPoison(message: ReceivedCodeMessage, record: string): Promise<void> {
    this.calls.push(`poison ${message.id}`);
    this.poisoned.push(record);
    await this.settle(message);
  }

  async send(text: string, delaySeconds: number): Promise<void> {
    this.calls.push(`send ${delaySeconds}`);
    const id = this.enqueue(text, { delaySeconds });
    this.messages.find((m) => m.id === id)!.expiresOn = undefined;
  }

  private leased(message: ReceivedCodeMessage): StoredMessage {
    const stored = this.messages.find((m) => m.id === message.id);
    if (!stored || stored.lease !== message) throw new QueueUnavailableError('the lease on the message was lost');
    return stored;
  }
}
