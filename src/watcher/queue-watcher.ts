import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../common/clock.js';
import { BackOff } from './back-off.js';
import type { CodeQueueConsumer, ReceivedCodeMessage } from '../queue/code-queue-consumer.js';
import type { QueueMessageEncoding } from '../queue/queue.config.js';
import { decodeCodeMessage, encodeExpiryMessage } from './code-message.codec.js';
import type { CodeLifecycle, ScheduledExpiry } from './code-lifecycle.js';
import type { WatcherConfig } from './watcher.config.js';
import { consumeInSpan } from '../observability/instruments.js';
import { recordWatcherMessage } from './watcher.metrics.js';

export interface WatcherLogger {
  log(message: string): void;
  debug(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What lands on the poison queue: the original body untouched, and why it is there. */
export interface PoisonRecord {
  reason: string;
  messageId: string;
  dequeueCount: number;
  insertedOn?: string;
  poisonedAt: string;
  body: string;
}

export interface WatcherStats {
  batches: number;
  received: number;
  completed: number;
  failed: number;
  poisoned: number;
  released: number;
  outcomes: Record<string, number>;
}

/**
 * A received message held under its lease. While it is being processed the lease is renewed at
 * half-time, so a slow message is not handed to another watcher; settling (delete or release) first
 * waits for a renewal in flight, so the consumer settles the lease as renewed.
 */
class LeasedMessage {
  private renewal?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(
    readonly item: ReceivedCodeMessage,
    private readonly queue: CodeQueueConsumer,
    private readonly visibilitySeconds: number,
    private readonly logger: WatcherLogger,
  ) {
    this.timer = setInterval(() => this.renew(), (visibilitySeconds * 1000) / 2);
    this.timer.unref();
  }

  private renew(): void {
    if (this.renewal) return;
    this.renewal = this.queue
      .renew(this.item, this.visibilitySeconds)
      .catch((error: unknown) => this.logger.warn(`Could not renew message ${this.item.id}: ${describeFailure(error)}`))
      .finally(() => (this.renewal = undefined));
  }

  private async settle(): Promise<void> {
    clearInterval(this.timer);
    await this.renewal;
  }

  /** Its effect is stored: the message goes. A lost lease is fine (see CodeQueueConsumer.settle). */
  async delete(): Promise<void> {
    await this.settle();
    await this.queue.settle(this.item);
  }

  /** Makes the message visible again after `seconds` (0: at once), unchanged or with a new text. */
  async release(seconds: number, text?: string): Promise<void> {
    await this.settle();
    await this.queue.release(this.item, seconds, text);
  }

  async poison(record: string): Promise<void> {
    await this.settle();
    await this.queue.moveToPoison(this.item, record);
  }

  abandon(): void {
    clearInterval(this.timer);
  }
}

/**
 * The receive loop: batches of up to 32, bounded concurrency with receiving overlapping processing,
 * randomized exponential back-off when the queue is empty or failing, at once again after messages
 * were found. A message is deleted only
 * after its effect is stored; a failure leaves it to reappear, and after MAX_DEQUEUE_COUNT
 * deliveries (or when malformed) it is copied to the poison queue with the reason, then deleted.
 */
export class QueueWatcher {
  readonly stats: WatcherStats = { batches: 0, received: 0, completed: 0, failed: 0, poisoned: 0, released: 0, outcomes: {} };
  private stopping = false;
  private readonly wake = new AbortController();
  private loop?: Promise<void>;
  private readonly backOff: BackOff;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly queue: CodeQueueConsumer,
    private readonly lifecycle: CodeLifecycle,
    private readonly config: WatcherConfig,
    private readonly logger: WatcherLogger,
    private readonly encoding: QueueMessageEncoding,
    private readonly clock: Clock,
  ) {
    this.backOff = new BackOff(config.pollMinMs, config.pollMaxMs);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops receiving, finishes the messages in hand (releasing any received after the stop), then resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.abort();
    await this.loop;
  }

  /**
   * Keeps up to `concurrency` messages in flight: a new batch is received as soon as a whole batch
   * fits (like Functions' newBatchThreshold), so receiving overlaps processing; after messages were
   * found it polls again at once, after an empty or failed poll it backs off.
   */
  private async run(): Promise<void> {
    const batchSize = Math.min(this.config.batchSize, this.config.concurrency);
    while (!this.stopping) {
      if (this.inFlight.size + batchSize > this.config.concurrency) {
        await Promise.race(this.inFlight);
        continue;
      }
      let items: ReceivedCodeMessage[];
      try {
        items = await this.queue.receive(batchSize, this.config.visibilityTimeoutSeconds);
      } catch (error) {
        if (this.stopping) break;
        const delay = this.backOff.next();
        this.logger.warn(`Receive failed: ${describeFailure(error)}; polling again in ${delay} ms`);
        await this.pause(delay);
        continue;
      }
      if (items.length === 0) {
        await this.pause(this.backOff.next());
        continue;
      }
      this.backOff.reset();
      this.stats.batches++;
      this.stats.received += items.length;
      this.logger.debug(`Received ${items.length} message(s)`);
      for (const item of items) {
        const lease = new LeasedMessage(item, this.queue, this.config.visibilityTimeoutSeconds, this.logger);
        // Received after stop() was called: hand it back at once rather than start it.
        const work: Promise<void> = (this.stopping ? this.release(lease, 0) : this.processOne(lease)).finally(() => this.inFlight.delete(work));
        this.inFlight.add(work);
      }
    }
    await Promise.all(this.inFlight);
    this.logger.log('Watcher stopped receiving');
  }

  private async processOne(lease: LeasedMessage): Promise<void> {
    const { item } = lease;
    const deliveries = item.deliveryCount;
    try {
      const now = this.clock.date();
      const decoded = decodeCodeMessage(item.text, {
        maxBytes: this.config.maxMessageBytes,
        now,
        maxClockSkewMs: this.config.maxClockSkewSeconds * 1000,
      });
      if (!decoded.ok) {
        await this.toPoison(lease, `malformed: ${decoded.reason}`);
        return;
      }
      const { message } = decoded;
      await consumeInSpan(this.queue.queueName, message.extra.traceparent, { 'code.phase': message.phase }, async () => {
        const attempts = deliveries - decoded.message.priorDeliveries;
        if (attempts > this.config.maxDequeueCount) {
          // Earlier deliveries never settled (the process died or lost the lease each time).
          await this.toPoison(lease, `delivered ${attempts} times without completing (MAX_DEQUEUE_COUNT ${this.config.maxDequeueCount})`);
          return;
        }
        let result;
        try {
          result = await this.lifecycle.handle(decoded.message, now);
        } catch (error) {
          await this.failed(lease, error, attempts);
          return;
        }
        if (result.expiry) await this.becomeExpiry(lease, result.expiry, now);
        else await lease.delete();
        const { outcome } = result;
        this.stats.completed++;
        this.stats.outcomes[outcome] = (this.stats.outcomes[outcome] ?? 0) + 1;
        // Lag: from getcode's timestamp (activation) or from the code's expiry time (expiry).
        const since = message.phase === 'activate' ? message.issuedAt : message.expiresAt;
        recordWatcherMessage('processed', (this.clock.date().getTime() - since.getTime()) / 1000);
        this.logger.debug(`${decoded.message.phase} → ${outcome} (message ${item.id}, delivery ${attempts}, ${decoded.format})`);
      });
    } catch (error) {
      // Deleting or poisoning failed: the message reappears after its visibility timeout and is
      // handled again, idempotently.
      lease.abandon();
      this.logger.warn(`Message ${item.id} left for redelivery: ${describeFailure(error)}`);
    }
  }

  /**
   * Turns the handled message into its expiry message in place: one atomic update (new text, hidden
   * for the time left) instead of a send plus a delete, so there is never a moment with both or
   * neither. Falls back to send-then-delete when the message's own time-to-live would end first.
   */
  private async becomeExpiry(lease: LeasedMessage, expiry: ScheduledExpiry, now: Date): Promise<void> {
    const visibleAt = now.getTime() + expiry.delaySeconds * 1000;
    const messageExpiresOn = lease.item.expiresOn?.getTime() ?? 0;
    if (visibleAt + 60_000 < messageExpiresOn) {
      await lease.release(expiry.delaySeconds, encodeExpiryMessage(expiry.message, this.encoding, lease.item.deliveryCount));
      return;
    }
    await this.queue.send(encodeExpiryMessage(expiry.message, this.encoding), expiry.delaySeconds);
    await lease.delete();
  }

  private async failed(lease: LeasedMessage, error: unknown, deliveries: number): Promise<void> {
    this.stats.failed++;
    recordWatcherMessage('failed');
    const reason = describeFailure(error);
    if (deliveries >= this.config.maxDequeueCount) {
      await this.toPoison(lease, `failed ${deliveries} times (MAX_DEQUEUE_COUNT ${this.config.maxDequeueCount}); last error: ${reason}`);
      return;
    }
    const retryIn = this.config.retryBaseSeconds * 2 ** (deliveries - 1);
    this.logger.warn(`Message ${lease.item.id} failed (delivery ${deliveries}): ${reason}; retrying in ${retryIn} s`);
    await this.release(lease, retryIn);
  }

  private async release(lease: LeasedMessage, seconds: number): Promise<void> {
    try {
      await lease.release(seconds);
      this.stats.released++;
    } catch (error) {
      lease.abandon();
      this.logger.warn(`Could not release message ${lease.item.id} (it reappears after its visibility timeout): ${describeFailure(error)}`);
    }
  }

  private async toPoison(lease: LeasedMessage, reason: string): Promise<void> {
    const { item } = lease;
    const record: PoisonRecord = {
      reason,
      messageId: item.id,
      dequeueCount: item.deliveryCount,
      insertedOn: item.insertedOn?.toISOString(),
      poisonedAt: this.clock.date().toISOString(),
      body: item.text,
    };
    await lease.poison(JSON.stringify(record));
    this.stats.poisoned++;
    recordWatcherMessage('poisoned', item.insertedOn ? (this.clock.date().getTime() - item.insertedOn.getTime()) / 1000 : undefined);
    this.logger.warn(`Message ${item.id} moved to ${this.queue.poisonQueueName}: ${reason}`);
  }

  private async pause(ms: number): Promise<void> {
    if (this.stopping) return;
    try {
      await sleep(ms, undefined, { signal: this.wake.signal });
    } catch {
      // woken by stop()
    }
  }
}

/** Adapters throw AppErrors whose `reason` is safe to log (no URL, no token). */
function describeFailure(error: unknown): string {
  const reason = (error as { reason?: unknown }).reason;
  if (typeof reason === 'string') return `${(error as Error).name}: ${reason}`;
  return error instanceof Error ? error.message : String(error);
}
