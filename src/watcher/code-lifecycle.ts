import { CodeTable, type ActivationOutcome, type ExpiryOutcome } from '../code-table/code-table.js';
import type { CodeMessage } from './code-message.codec.js';

/** An expiry message to put on the queue, hidden for `delaySeconds`. */
export interface ScheduledExpiry {
  message: { code: string; issuedAt: Date; expiresAt: Date; extra: Record<string, unknown> };
  delaySeconds: number;
}

export type LifecycleOutcome =
  | ActivationOutcome
  | ExpiryOutcome
  /** Activation of an issuance whose expiresAt has already passed: no row is created. */
  | 'expired-on-arrival'
  /** An expiry message seen before its expiresAt: scheduled again for the time left. */
  | 'rescheduled';

/** What handling a message did, and the expiry message (if any) that must replace it on the queue. */
export interface LifecycleResult {
  outcome: LifecycleOutcome;
  expiry?: ScheduledExpiry;
}

/**
 * The rules of a code's life, independent of how messages arrive. Each step is idempotent, so the
 * queue's at-least-once delivery, duplicates and reordering cannot break it:
 * - activate: no row if expiresAt (issuedAt + TTL) is past; otherwise store the issuance (a no-op if
 *   stored before) and schedule its expiry. The expiry is scheduled even for a duplicate, because
 *   the delivery that stored the row may have died before scheduling it; a second expiry is harmless.
 * - expire: only at or after expiresAt, and only the row of the same issuance.
 * The caller turns the handled message into the scheduled expiry (or deletes it when there is none)
 * only after this resolves, i.e. after the table write is stored.
 */
export class CodeLifecycle {
  constructor(
    private readonly table: CodeTable,
    private readonly ttlSeconds: number,
  ) {}

  async handle(message: CodeMessage, now: Date): Promise<LifecycleResult> {
    if (message.phase === 'activate') {
      const expiresAt = new Date(message.issuedAt.getTime() + this.ttlSeconds * 1000);
      if (expiresAt.getTime() <= now.getTime()) return { outcome: 'expired-on-arrival' };
      // A step-up code's purpose travels in the message: a row the watcher has to make for it (its own
      // row lost) is a step-up row without an owner, which verifies for nobody.
      const purpose = message.extra.purpose === 'step-up' ? ('step-up' as const) : undefined;
      const issuance = { code: message.code, issuedAt: message.issuedAt, expiresAt, ...(purpose ? { purpose } : {}) };
      const outcome = await this.table.activate(issuance, now);
      if (outcome === 'superseded') return { outcome };
      return { outcome, expiry: { message: { ...issuance, extra: message.extra }, delaySeconds: secondsUntil(expiresAt, now) } };
    }
    if (message.expiresAt.getTime() > now.getTime()) {
      return { outcome: 'rescheduled', expiry: { message, delaySeconds: secondsUntil(message.expiresAt, now) } };
    }
    return { outcome: await this.table.expire(message) };
  }
}

/** Whole seconds, rounded up, so an expiry message never becomes visible before expiresAt. */
export function secondsUntil(when: Date, now: Date): number {
  return Math.max(0, Math.ceil((when.getTime() - now.getTime()) / 1000));
}
