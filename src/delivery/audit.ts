import type { LoggerService } from '@nestjs/common';
import type { DeliveryChannel } from './delivery.config.js';

/**
 * The audit events of codes sent for a second factor, one structured log line each. Never the
 * code, never an unmasked destination, never a token.
 */
export const AUDIT_EVENTS = {
  sent: 'second-factor.code.sent',
  sendFailed: 'second-factor.code.send-failed',
  sendLimited: 'second-factor.code.send-limited',
  verified: 'second-factor.code.verified',
  refused: 'second-factor.code.refused',
  codeLocked: 'second-factor.code.locked',
  subjectLocked: 'second-factor.subject.locked',
} as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[keyof typeof AUDIT_EVENTS];

/** Who a code is for: the IdP's subject and issuer (opaque ids, no name or address). */
export interface AuditSubject {
  readonly subject: string;
  readonly issuer?: string;
}

export interface AuditLine extends AuditSubject {
  readonly event: AuditEvent;
  /** The destination as `maskDestination` shows it. */
  readonly destination?: string;
  readonly channel: DeliveryChannel;
  /** `sent`, `failed`, `timeout`, `cooldown`, `limit`, `ok`, `wrong`, `locked`, … */
  readonly outcome: string;
  /** Why it failed: an error kind or status, never a message a server wrote (it may carry the address). */
  readonly reason?: string;
  readonly retryAfterSeconds?: number;
}

/** Writes one audit line (warn for failures and lockouts, info otherwise). */
export function audit(logger: Pick<LoggerService, 'log' | 'warn'>, line: AuditLine): void {
  const warn = line.event === AUDIT_EVENTS.sendFailed || line.event === AUDIT_EVENTS.codeLocked || line.event === AUDIT_EVENTS.subjectLocked;
  const entry = { msg: `${line.event}: ${line.outcome}`, ...line, issuer: line.issuer ?? '' };
  if (warn) logger.warn(entry);
  else logger.log(entry);
}
