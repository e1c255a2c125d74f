import type { DeliveryChannel } from './delivery.config.js';
import type { Destination, DestinationKind } from './destination.js';

/** What one message carries: the code and when it stops working. Nothing else about the user. */
export interface CodeNotice {
  readonly code: string;
  readonly expiresAt: Date;
}

/**
 * The delivery contract (abstract class: type and DI token): sends a code to a destination the
 * IdP verified, over one channel, chosen by CODE_DELIVERY. Implementations only move the message;
 * DeliveryService adds the deadline, the error mapping and the audit line.
 */
export abstract class CodeDelivery {
  abstract readonly channel: DeliveryChannel;
  /** The kind of destination this channel sends to; undefined for `response` (no second channel). */
  abstract readonly reaches: DestinationKind | undefined;
  /** Resolves once the channel accepted the message; rejects (or stops at `signal`) otherwise. */
  abstract send(to: Destination, notice: CodeNotice, signal: AbortSignal): Promise<void>;
  /** Resolves when the channel can take messages now (readiness). */
  abstract ping(signal: AbortSignal): Promise<void>;
}
