import { Injectable, Logger } from '@nestjs/common';
import { CodeDelivery, type CodeNotice } from './code-delivery.js';
import { DeliveryConfig } from './delivery.config.js';
import { DeliveryFailedError } from './delivery.errors.js';
import { type Destination, type DestinationKind, maskDestination } from './destination.js';
import { AUDIT_EVENTS, type AuditSubject, audit } from './audit.js';

/**
 * Sends a code through the configured channel within DELIVERY_TIMEOUT_MS, writes the audit line of
 * the send, and turns any failure into DeliveryFailedError (503, "could not send, try again"): the
 * caller revokes the code it could not deliver.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger('SecondFactor');

  constructor(
    private readonly delivery: CodeDelivery,
    private readonly config: DeliveryConfig,
  ) {}

  get channel(): CodeDelivery['channel'] {
    return this.delivery.channel;
  }

  /** The kind of destination the configured channel sends to; undefined for `response`. */
  get reaches(): DestinationKind | undefined {
    return this.delivery.reaches;
  }

  async send(to: Destination, notice: CodeNotice, who: AuditSubject): Promise<void> {
    const signal = AbortSignal.timeout(this.config.timeoutMs);
    const line = { ...who, destination: maskDestination(to), channel: this.delivery.channel };
    try {
      await this.delivery.send(to, notice, signal);
    } catch (error) {
      const timedOut = signal.aborted;
      const reason = timedOut ? `no answer within ${this.config.timeoutMs} ms` : describeDeliveryFailure(error);
      audit(this.logger, { ...line, event: AUDIT_EVENTS.sendFailed, outcome: timedOut ? 'timeout' : 'failed', reason });
      throw new DeliveryFailedError(reason, timedOut);
    }
    audit(this.logger, { ...line, event: AUDIT_EVENTS.sent, outcome: 'sent' });
  }
}

/**
 * An error kind and status, never the message: an SMTP server's reply or an ACS error may quote the
 * recipient's address.
 */
export function describeDeliveryFailure(error: unknown): string {
  const e = (error ?? {}) as { name?: unknown; code?: unknown; responseCode?: unknown; statusCode?: unknown };
  const parts = [
    typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : typeof e.name === 'string' ? e.name : 'Error',
    typeof e.responseCode === 'number' ? `SMTP ${e.responseCode}` : undefined,
    typeof e.statusCode === 'number' ? `HTTP ${e.statusCode}` : undefined,
  ];
  return parts.filter(Boolean).join(' ');
}
