import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { VerificationConfig } from './verification.config.js';
import { CodeTable, type CodeOwner, type CodePurpose } from '../code-table/code-table.js';
import { TooManyAttemptsError } from './verification.errors.js';
import { AttemptBudget } from './attempt-budget.js';

/** Who is verifying: the signed-in owner, if any, and the client address (req.ip). */
export interface Verifier {
  owner?: CodeOwner;
  client: string;
}

export type AttemptLimits = Pick<VerificationConfig, 'maxAttempts' | 'attemptWindowMs'>;

/**
 * Verifies a code once: the table checks expiresAt itself (the watcher may lag or be down), checks
 * the binding of a bound code, and consumes the row under an ETag condition, so concurrent
 * verifications yield a single `true`.
 *
 * The attempt budget: wrong answers count per subject when signed in, per client address otherwise,
 * in the code table (shared by every replica). The failure that reaches `maxAttempts` within the
 * window revokes the subject's outstanding codes; from then on verifies answer 429 with Retry-After
 * until the window ends. A success resets the count.
 */
@Injectable()
export class VerificationService {
  private readonly logger = new Logger(VerificationService.name);

  constructor(
    private readonly table: CodeTable,
    private readonly attempts: AttemptBudget,
    @Inject(VerificationConfig) private readonly limits: AttemptLimits,
    private readonly clock: Clock,
  ) {}

  /** `purpose`: which codes may verify here (getcode's on POST /api/v1/verifycode; step-up codes on /auth/second-factor). */
  async verify(code: string, verifier: Verifier, purpose: CodePurpose = 'public'): Promise<boolean> {
    const key = budgetKey(verifier);
    const now = this.clock.date();
    const before = await this.attempts.attempts(key, now);
    if (before.lockedUntil && before.lockedUntil.getTime() > now.getTime()) throw new TooManyAttemptsError(retryAfter(before.lockedUntil, now));

    if (await this.table.consume(code.trim(), now, verifier.owner, purpose)) {
      if (before.failures > 0) {
        await this.attempts.resetAttempts(key).catch((error: unknown) => this.logger.warn(`Could not reset the attempt count: ${(error as Error).name}`));
      }
      return true;
    }
    const after = await this.attempts.recordFailure(key, now, this.limits.attemptWindowMs, this.limits.maxAttempts);
    if (after.failures >= this.limits.maxAttempts && verifier.owner) {
      const revoked = await this.table.revokeOwned(verifier.owner, now);
      this.logger.warn(`Attempt budget spent (${this.limits.maxAttempts} wrong codes): ${revoked} outstanding code(s) of the caller revoked`);
    }
    return false;
  }
}

/** Signed-in callers are counted by subject wherever they come from; others by address. */
export function budgetKey(verifier: Verifier): string {
  return verifier.owner ? `subject\n${verifier.owner.issuer ?? ''}\n${verifier.owner.subject}` : `client\n${verifier.client}`;
}

function retryAfter(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}
