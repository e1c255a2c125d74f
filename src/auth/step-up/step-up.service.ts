import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { CodeOwner } from '../../code-table/code-table.js';
import { AUDIT_EVENTS, audit, type AuditLine } from '../../delivery/audit.js';
import { DeliveryService } from '../../delivery/delivery.service.js';
import { NoSecondChannelError } from '../../delivery/delivery.errors.js';
import { type Destination, destinationOf, maskDestination } from '../../delivery/destination.js';
import type { AuthUser } from '../auth-user.js';
import { NotAuthenticatedError } from '../auth.errors.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { SecondFactorCodes } from './second-factor-codes.js';
import { SendLimits, type SendRules } from './send-limits.js';
import { StepUpConfig } from './step-up.config.js';
import { CodeLockedError, NoVerifiedDestinationError, SecondFactorLockedError, SendLimitedError, SessionRequiredError, WrongCodeError } from './step-up.errors.js';

/** What the page says about where codes go. */
export interface StepUpTarget {
  /** `d•••@example.test`. */
  readonly destination: string;
  readonly kind: Destination['kind'];
}

/**
 * The second factor of a browser session: a code sent out of band to the destination the IdP
 * verified, then typed back.
 * - send: the send limits are reserved first (cooldown, sends per destination per window), then a
 *   step-up code is issued on the code lifecycle and delivered; a failed delivery revokes it.
 * - verify: the code is checked with the per-code and per-subject limits; success records the second
 *   factor in the stored session (`amr` + `otp`, the time) under a new session id.
 * Every send, verify, failure and lockout writes one audit line. The code itself is handed to the
 * delivery only: no answer, page or log line carries it.
 */
@Injectable()
export class StepUpService {
  private readonly logger = new Logger('SecondFactor');

  constructor(
    private readonly config: StepUpConfig,
    private readonly codes: SecondFactorCodes,
    private readonly delivery: DeliveryService,
    private readonly limits: SendLimits,
    private readonly sessions: SessionsService,
    private readonly clock: Clock,
  ) {}

  /** Where this user's codes go; throws the page's explanation when there is no channel or no verified destination. */
  target(user: AuthUser): StepUpTarget {
    const destination = this.destinationFor(user);
    return { destination: maskDestination(destination), kind: destination.kind };
  }

  async send(user: AuthUser): Promise<StepUpTarget & { expiresAt: Date }> {
    sessionOf(user);
    const to = this.destinationFor(user);
    const line = this.auditLine(user, to);
    const allowance = await this.limits.reserve(sendKey(user, to), this.clock.date(), this.rules);
    if (!allowance.allowed) {
      audit(this.logger, { ...line, event: AUDIT_EVENTS.sendLimited, outcome: allowance.limit, retryAfterSeconds: allowance.retryAfterSeconds });
      throw new SendLimitedError(allowance.limit, allowance.retryAfterSeconds);
    }
    const issued = await this.codes.issue(ownerOf(user));
    try {
      await this.delivery.send(to, { code: issued.code, expiresAt: issued.expiresAt }, { subject: user.sub, issuer: user.iss });
    } catch (error) {
      // Nothing half done: the code that did not reach the user is worth nothing to anyone.
      await this.codes.revoke(issued).catch((revokeError: unknown) =>
        this.logger.warn(`Could not revoke an undelivered step-up code; it lapses at its expiresAt: ${(revokeError as Error).name}`),
      );
      throw error;
    }
    return { destination: line.destination!, kind: to.kind, expiresAt: issued.expiresAt };
  }

  /** Checks the typed code; on success the session is stepped up under a new id, whose cookie value is returned. */
  async verify(user: AuthUser, typed: string): Promise<{ cookie: string }> {
    const sessionId = sessionOf(user);
    const line = this.auditLine(user, this.destinationOrNone(user));
    const result = await this.codes.check(ownerOf(user), typed);
    switch (result.outcome) {
      case 'verified': {
        const stepped = await this.sessions.recordSecondFactor(sessionId);
        if (!stepped) throw new NotAuthenticatedError('Your session ended; log in again.');
        audit(this.logger, { ...line, event: AUDIT_EVENTS.verified, outcome: 'ok' });
        return { cookie: stepped.cookie };
      }
      case 'wrong':
        audit(this.logger, { ...line, event: AUDIT_EVENTS.refused, outcome: 'wrong' });
        throw new WrongCodeError();
      case 'code-locked':
        audit(this.logger, { ...line, event: AUDIT_EVENTS.codeLocked, outcome: 'code-locked' });
        throw new CodeLockedError(result.checks);
      case 'locked':
        audit(this.logger, { ...line, event: AUDIT_EVENTS.subjectLocked, outcome: 'locked', retryAfterSeconds: result.retryAfterSeconds });
        throw new SecondFactorLockedError(result.retryAfterSeconds);
    }
  }

  private get rules(): SendRules {
    return {
      perWindow: this.config.sendsPerWindow,
      windowMs: this.config.sendWindowSeconds * 1000,
      cooldownMs: this.config.resendCooldownSeconds * 1000,
    };
  }

  private destinationFor(user: AuthUser): Destination {
    const kind = this.delivery.reaches;
    if (!kind) throw new NoSecondChannelError();
    const destination = destinationOf(user.contacts, kind);
    if (!destination) throw new NoVerifiedDestinationError(kind);
    return destination;
  }

  private destinationOrNone(user: AuthUser): Destination | undefined {
    return destinationOf(user.contacts, this.delivery.reaches);
  }

  private auditLine(user: AuthUser, to: Destination | undefined): Omit<AuditLine, 'event' | 'outcome'> {
    return { subject: user.sub, issuer: user.iss, ...(to ? { destination: maskDestination(to) } : {}), channel: this.delivery.channel };
  }
}

/** The session being stepped up (Bearer callers step up at their IdP). */
function sessionOf(user: AuthUser): string {
  if (user.via !== 'session' || !user.sessionId) throw new SessionRequiredError();
  return user.sessionId;
}

/** Step-up codes are bound to issuer + subject. */
function ownerOf(user: AuthUser): CodeOwner {
  return { subject: user.sub, ...(user.iss ? { issuer: user.iss } : {}) };
}

/** One user's one destination: only that user can spend its sends. */
export function sendKey(user: Pick<AuthUser, 'sub' | 'iss'>, to: Destination): string {
  return `${user.iss ?? ''}\n${user.sub}\n${to.kind === 'email' ? to.address.toLowerCase() : to.number}`;
}
