import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { RuntimeConfig } from '../../config/runtime.config.js';
import type { AuthUser } from '../auth-user.js';
import { SecondFactorStatus } from '../forward-auth/second-factor-status.js';
import { secondFactorStatus } from './second-factor-policy.js';
import { StepUpConfig } from './step-up.config.js';

/**
 * Forward auth's `?second_factor=1`, decided as `@RequireSecondFactor()` decides it: the session's
 * own second factor (`secondFactorAt`, with `otp` in its `amr`) or the IdP's step-up (STEP_UP_ACR
 * with `auth_time`), within STEP_UP_MAX_AGE_SECONDS; the page that asks is /auth/second-factor.
 */
@Injectable()
export class StepUpSecondFactorStatus extends SecondFactorStatus {
  constructor(
    private readonly config: StepUpConfig,
    private readonly runtime: RuntimeConfig,
    private readonly clock: Clock,
  ) {
    super();
  }

  get maxAgeSeconds(): number {
    return this.config.maxAgeSeconds;
  }

  isFresh(user: AuthUser): boolean {
    return secondFactorStatus(user, this.config.maxAgeSeconds, this.config.acrValues, this.clock.now()).satisfied;
  }

  stepUpUrl(returnTo?: string): string {
    const url = new URL('/auth/second-factor', this.runtime.publicBaseUrl);
    if (returnTo) url.searchParams.set('returnTo', returnTo);
    return url.href;
  }
}
