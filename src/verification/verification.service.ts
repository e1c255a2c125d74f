import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { VerificationConfig } from './verification.config.js';
import { CodeTable, type CodeIssuance, type CodeOwner, type CodePurpose, type ConsumeOutcome } from '../code-table/code-table.js';
import { TooManyAttemptsError } from './verification.errors.js';
import { AttemptBudget, type Reservation } from './attempt-budget.js';

/** Who is verifying: the signed-in owner, if any, and the client address (req.ip). */
export interface Verifier {
  owner?: CodeOwner;
  client: string;
}

export type AttemptLimits = Pick<VerificationConfig, 'maxAttempts' | 'attemptWindowMs' | 'maxChecksPerCode'>;

/** What one attempt did: the table's answer, and how many of the subject's codes it found or left out of checks (now revoked). */
export interface AttemptResult {
  outcome: ConsumeOutcome;
  outOfChecks: number;
}

/** One budget a verify took: the key and what reserve() answered. */
interface Taken {
  key: string;
  reservation: Reservation;
  issuance?: CodeIssuance;
}

/**
 * Verifies a code once: the table checks expiresAt itself (the watcher may lag or be down), checks
 * the binding of a bound code, and consumes the row under an ETag condition, so concurrent
 * verifications yield a single `true`.
 *
 * Budgets, designed so that no client can spend anyone else's:
 * - Anonymous callers: none. Their guesses are slowed by the per-address `verify` rate limit only,
 *   which never locks or revokes anything (many clients share an address behind a NAT).
 * - A signed-in subject (issuer + subject): VERIFY_MAX_ATTEMPTS wrong codes per window, counted
 *   first: the attempt is reserved before the code is looked at, so concurrent guesses on any
 *   replica never evaluate more than the budget. Only the subject spends it (its credentials
 *   are needed). The wrong guess that reaches it revokes the subject's outstanding codes; then
 *   429 with Retry-After until the window ends.
 * - Each of the subject's outstanding (bound) codes: VERIFY_CODE_MAX_CHECKS checks per code
 *   (Twilio Verify's 5), then that code is revoked; a new code has its own.
 * An attempt is given back only when it was no guess: a correct code, a replay of one's own spent
 * code, or an evaluation that could not be made (storage down). A success never gives back the
 * wrong guesses before it.
 */
@Injectable()
export class VerificationService {
  private readonly logger = new Logger(VerificationService.name);

  constructor(
    private readonly table: CodeTable,
    private readonly budget: AttemptBudget,
    @Inject(VerificationConfig) private readonly limits: AttemptLimits,
    private readonly clock: Clock,
  ) {}

  /**
   * POST /api/v1/verifycode and the panel (`public`), the step-up page (`step-up`): true exactly once
   * for a live code of that purpose the caller may use. Throws TooManyAttemptsError (429 +
   * Retry-After) while a signed-in caller's budget is spent.
   */
  async verify(code: string, verifier: Verifier, purpose: CodePurpose = 'public'): Promise<boolean> {
    if (!verifier.owner) return (await this.table.consume(code.trim(), this.clock.date(), undefined, purpose)) === 'consumed';
    return (await this.check(code, verifier.owner, purpose)).outcome === 'consumed';
  }

  /**
   * A signed-in subject's check of a code of `purpose`, under its budgets (see attempt), with the
   * outcome in full: the step-up page tells a code out of checks ("send a new one") from a wrong one.
   */
  async check(code: string, owner: CodeOwner, purpose: CodePurpose): Promise<AttemptResult> {
    const now = this.clock.date();
    return this.attempt(owner, now, () => this.table.consume(code.trim(), now, owner, purpose), purpose);
  }

  /**
   * Runs one check of a signed-in subject under its budgets: the subject's attempt and one check of
   * each of its outstanding codes of `purpose` are reserved first (TooManyAttemptsError when the
   * subject's are spent; a code out of checks is revoked before `evaluate` runs, so it can no longer
   * verify). `evaluate` then looks at the code; `no-match` is a wrong guess and keeps its
   * reservations, anything else gives them back. `outOfChecks`: how many of the subject's codes
   * this attempt found, or left, out of checks (and revoked), so a page can say "send a new code".
   */
  async attempt(owner: CodeOwner, now: Date, evaluate: () => Promise<ConsumeOutcome>, purpose: CodePurpose = 'public'): Promise<AttemptResult> {
    const subject: Taken = { key: subjectKey(owner), reservation: await this.budget.reserve(subjectKey(owner), this.limits.maxAttempts, this.limits.attemptWindowMs, now) };
    if (!subject.reservation.granted) throw new TooManyAttemptsError(retryAfter(subject.reservation.windowEndsAt, now));
    const taken: Taken[] = [subject];
    let outcome: ConsumeOutcome;
    let outOfChecks = 0;
    try {
      for (const issuance of await this.table.outstanding(owner, now, purpose)) {
        const key = checksKey(issuance);
        const reservation = await this.budget.reserve(key, this.limits.maxChecksPerCode, issuance.expiresAt.getTime() - now.getTime(), now);
        taken.push({ key, reservation, issuance });
        // Out of checks: revoked before this guess is looked at, so it can never be the one that verifies.
        if (!reservation.granted) {
          await this.table.revoke(issuance, now);
          outOfChecks++;
        }
      }
      outcome = await evaluate();
    } catch (error) {
      await this.giveBack(taken, now);
      throw error;
    }
    if (outcome !== 'no-match') {
      await this.giveBack(taken, now);
      return { outcome, outOfChecks };
    }
    // A wrong guess keeps its place in every budget it took; the ones it filled take effect now.
    for (const { reservation, issuance } of taken) {
      if (issuance && reservation.granted && reservation.taken >= this.limits.maxChecksPerCode) {
        await this.table.revoke(issuance, now);
        outOfChecks++;
      }
    }
    if (subject.reservation.taken >= this.limits.maxAttempts) {
      const revoked = await this.table.revokeOwned(owner, now);
      this.logger.warn(`Attempt budget spent (${this.limits.maxAttempts} wrong codes): the subject is locked until the window ends; ${revoked} outstanding code(s) of the subject revoked`);
    }
    return { outcome, outOfChecks };
  }

  private async giveBack(taken: Taken[], now: Date): Promise<void> {
    await Promise.all(
      taken
        .filter((t) => t.reservation.granted)
        .map((t) => this.budget.release(t.key, now).catch((error: unknown) => this.logger.warn(`Could not give an attempt back: ${(error as Error).name}`))),
    );
  }
}

/** The budget of a signed-in subject: issuer and subject (a subject is unique only per issuer). */
export function subjectKey(owner: CodeOwner): string {
  return `subject\n${owner.issuer ?? ''}\n${owner.subject}`;
}

/** The checks of one issuance of a bound code. */
export function checksKey(issuance: Pick<CodeIssuance, 'code' | 'issuedAt'>): string {
  return `checks\n${issuance.code}\n${issuance.issuedAt.toISOString()}`;
}

function retryAfter(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}
