import { Injectable } from '@nestjs/common';
import { SecondFactorCodes, type IssuedStepUpCode, type StepUpCheck } from '../auth/step-up/second-factor-codes.js';
import type { CodeOwner } from '../code-table/code-table.js';
import { normalizeStepUpCode, STEP_UP_CODE_PATTERN } from '../codes/code-generator.js';
import { CodesService } from '../codes/codes.service.js';
import { CodesConfig } from '../codes/codes.config.js';
import { TooManyAttemptsError } from './verification.errors.js';
import { VerificationConfig } from './verification.config.js';
import { VerificationService } from './verification.service.js';

/**
 * Step-up codes on the code lifecycle, for the step-up room: issued by CodesService with purpose
 * `step-up` (bound to issuer + subject, digits, their own outstanding list of one) and checked by
 * VerificationService with the same purpose, so a getcode code never satisfies step-up and a step-up
 * code never opens POST /api/v1/verifycode. Checks go through the same budgets as every signed-in
 * verify (VerificationService.attempt): the subject's (issuer + subject, reserved before the code is
 * looked at, spent only by that subject) and VERIFY_CODE_MAX_CHECKS per code, then it is revoked.
 */
@Injectable()
export class LifecycleSecondFactorCodes extends SecondFactorCodes {
  constructor(
    private readonly codes: CodesService,
    private readonly verification: VerificationService,
    private readonly codesConfig: CodesConfig,
    private readonly limits: VerificationConfig,
  ) {
    super();
  }

  async issue(owner: CodeOwner): Promise<IssuedStepUpCode> {
    const issued = await this.codes.issueStepUp(owner);
    const issuedAt = new Date(issued.timestamp);
    return { code: issued.code, issuedAt, expiresAt: new Date(issuedAt.getTime() + this.codesConfig.ttlSeconds * 1000) };
  }

  async revoke(issued: IssuedStepUpCode): Promise<void> {
    await this.codes.revoke({ code: issued.code, timestamp: issued.issuedAt.toISOString() });
  }

  async check(owner: CodeOwner, typed: string): Promise<StepUpCheck> {
    const code = normalizeStepUpCode(typed);
    try {
      // Anything that is not a step-up code is still a wrong answer, counted like any other.
      const { outcome, outOfChecks } = await this.verification.check(STEP_UP_CODE_PATTERN.test(code) ? code : '~', owner, 'step-up');
      if (outcome === 'consumed') return { outcome: 'verified' };
      // This guess used the code's last check, or found it out of checks: only a new code helps.
      if (outOfChecks > 0) return { outcome: 'code-locked', checks: this.limits.maxChecksPerCode };
      return { outcome: 'wrong' };
    } catch (error) {
      if (error instanceof TooManyAttemptsError) return { outcome: 'locked', retryAfterSeconds: error.retryAfterSeconds };
      throw error;
    }
  }
}
