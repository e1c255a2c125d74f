/**
 * One delivery of a message from the code queue, leased to this consumer until it is settled,
 * released or moved to poison (or until the lease runs out and the queue hands it to another).
 */
export interface ReceivedCodeMessage {
  readonly id: string;
  readonly text: string;
  /** Deliveries so far, this one included. */
  readonly deliveryCount: number;
  readonly insertedOn?: Date;
  /** When the queue drops the message on its own (its time-to-live), if it ever does. */
  readonly expiresOn?: Date;
}

/**
 * The consumer side of the code queue: what the watcher needs from any queue provider. The lease
 * bookkeeping a provider needs (Azure Storage's pop receipts, Service Bus lock tokens) stays inside
 * the implementation, keyed by the ReceivedCodeMessage it handed out. Failures are AppErrors
 * (QueueUnavailableError) whose message names no URL or token.
 */
export abstract class CodeQueueConsumer {
  /** The queue read from (for logs and spans). */
  abstract readonly queueName: string;
  abstract readonly poisonQueueName: string;

  /** Creates the queue and its poison queue when they do not exist (QUEUE_CREATE_IF_MISSING). */
  abstract createIfMissing(): Promise<void>;

  /** Up to `max` messages, each hidden from other consumers for `visibilitySeconds`. */
  abstract receive(max: number, visibilitySeconds: number): Promise<ReceivedCodeMessage[]>;

  /** Extends the lease by `visibilitySeconds` from now. */
  abstract renew(message: ReceivedCodeMessage, visibilitySeconds: number): Promise<void>;

  /**
   * Removes the message: its effect is stored. Resolves too when the lease was already lost (the
   * message reappeared and another consumer holds it; that delivery finds nothing left to do).
   */
  abstract settle(message: ReceivedCodeMessage): Promise<void>;

  /** Makes the message visible again after `delaySeconds` (0: at once), unchanged or with `text`. */
  abstract release(message: ReceivedCodeMessage, delaySeconds: number, text?: string): Promise<void>;

  /** Puts `record` on the poison queue (creating it if missing), then removes the message. */
  abstract moveToPoison(message: ReceivedCodeMessage, record: string): Promise<void>;

  /** Sends a new message, hidden for `delaySeconds`, that never expires on its own. */
  abstract send(text: string, delaySeconds: number): Promise<void>;
}
