import { CodeTable, type ActivationOutcome, type ExpiryOutcome } from '../code-table/code-table.js';
import type { CodeMessage } from './code-message.codec.js';

/** Sends an expiry message that stays hidden for `delaySeconds` (a queue send with visibility timeout). */
export type ExpiryScheduler = (message: { code: string; issuedAt: Date; expiresAt: Date; extra: Record<string, unknown> }, delaySeconds: number) => Promise<void>;

export type LifecycleOutcome =
  | ActivationOutcome
  | ExpiryOutcome
  /** Activation of an issuance whose expiresAt has already passed: no row is created. */
  | 'expired-on-arrival'
  /** An expiry message seen before its expiresAt: sent again, hidden for the time left. */
  | 'rescheduled';

/**
 * The rules of a code's life, independent of how messages arrive. Each step is idempotent, so the
 * queue's at-least-once delivery, duplicates and reordering cannot break it:
 * - activate: no row if expiresAt (issuedAt + TTL) is past; otherwise store the issuance (a no-op if
 *   stored before) and schedule its expiry. The expiry is (re)sent even for a duplicate, because
 *   the delivery that stored the row may have crashed before sending it; a second expiry message is
 *   harmless.
 * - expire: only at or after expiresAt, and only the row of the same issuance.
 */
export class CodeLifecycle {
  constructor(
    private readonly table: CodeTable,
    private readonly scheduleExpiry: ExpiryScheduler,
    private readonly ttlSeconds: number,
  ) {}

  async handle(message: CodeMessage, now: Date): Promise<LifecycleOutcome> {
    if (message.phase === 'activate') {
      const expiresAt = new Date(message.issuedAt.getTime() + this.ttlSeconds * 1000);
      if (expiresAt.getTime() <= now.getTime()) return 'expired-on-arrival';
      const issuance = { code: message.code, issuedAt: message.issuedAt, expiresAt };
      const outcome = await this.table.activate(issuance, now);
      if (outcome !== 'superseded') await this.scheduleExpiry({ ...issuance, extra: message.extra }, secondsUntil(expiresAt, now));
      return outcome;
    }
    if (message.expiresAt.getTime() > now.getTime()) {
      await this.scheduleExpiry(message, secondsUntil(message.expiresAt, now));
      return 'rescheduled';
    }
    return this.table.expire(message);
  }
}

/** Whole seconds, rounded up, so an expiry message never becomes visible before expiresAt. */
export function secondsUntil(when: Date, now: Date): number {
  return Math.max(0, Math.ceil((when.getTime() - now.getTime()) / 1000));
}
