import { Injectable } from '@nestjs/common';
import { SecondFactorCodes, type IssuedStepUpCode, type StepUpCheck } from '../auth/step-up/second-factor-codes.js';
import type { CodeOwner } from '../code-table/code-table.js';
import { normalizeStepUpCode, STEP_UP_CODE_PATTERN } from '../codes/code-generator.js';
import { CodesService } from '../codes/codes.service.js';
import { CodesConfig } from '../codes/codes.config.js';
import { TooManyAttemptsError } from './verification.errors.js';
import { VerificationService } from './verification.service.js';

/**
 * Step-up codes on the code lifecycle, for the step-up room: issued by CodesService with purpose
 * `step-up` (bound to issuer + subject, digits, their own outstanding list of one) and checked by
 * VerificationService with the same purpose, so a getcode code never satisfies step-up and a step-up
 * code never opens POST /api/v1/verifycode.
 */
@Injectable()
export class LifecycleSecondFactorCodes extends SecondFactorCodes {
  constructor(
    private readonly codes: CodesService,
    private readonly verification: VerificationService,
    private readonly codesConfig: CodesConfig,
  ) {
    super();
  }

  async issue(owner: CodeOwner): Promise<IssuedStepUpCode> {
    const issued = await this.codes.issue(owner, 'step-up');
    const issuedAt = new Date(issued.timestamp);
    return { code: issued.code, issuedAt, expiresAt: new Date(issuedAt.getTime() + this.codesConfig.ttlSeconds * 1000) };
  }

  async revoke(issued: IssuedStepUpCode): Promise<void> {
    await this.codes.revoke({ code: issued.code, timestamp: issued.issuedAt.toISOString() });
  }

  async check(owner: CodeOwner, typed: string, client: string): Promise<StepUpCheck> {
    const code = normalizeStepUpCode(typed);
    try {
      // Anything that is not a step-up code is still a wrong answer, counted like any other.
      const verified = await this.verification.verify(STEP_UP_CODE_PATTERN.test(code) ? code : '~', { owner, client }, 'step-up');
      return verified ? { outcome: 'verified' } : { outcome: 'wrong' };
    } catch (error) {
      if (error instanceof TooManyAttemptsError) return { outcome: 'locked', retryAfterSeconds: error.retryAfterSeconds };
      throw error;
    }
  }
}
