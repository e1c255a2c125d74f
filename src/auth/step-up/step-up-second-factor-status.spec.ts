import fc from 'fast-check';
import { ManualClock } from '../../../test/support/clock.js';
import type { RuntimeConfig } from '../../config/runtime.config.js';
import { type AuthUser } from '../auth-user.js';
import { secondFactorStatus } from './second-factor-policy.js';
import { StepUpSecondFactorStatus } from './step-up-second-factor-status.js';
import type { StepUpConfig } from './step-up.config.js';

describe('StepUpSecondFactorStatus (forward auth’s second_factor)', () => {
  const clock = new ManualClock(1_800_000_000_000);
  const config = { maxAgeSeconds: 900, acrValues: ['gold', 'mfa'] } as unknown as StepUpConfig;
  const status = new StepUpSecondFactorStatus(config, { publicBaseUrl: 'https://app.example.com' } as RuntimeConfig, clock);
  const user = (assurance: AuthUser['assurance']) => ({ sub: 'u', roles: [], via: 'session', assurance }) as unknown as AuthUser;

  it('answers exactly as @RequireSecondFactor()’s rule at STEP_UP_MAX_AGE_SECONDS, for any recorded facts', () => {
    const now = clock.now();
    fc.assert(
      fc.property(
        fc.record({
          amr: fc.subarray(['pwd', 'otp', 'mfa', 'hwk']),
          secondFactorAt: fc.option(fc.integer({ min: now - 3_600_000, max: now + 120_000 }), { nil: undefined }),
          acr: fc.option(fc.constantFrom('gold', 'silver'), { nil: undefined }),
          authTime: fc.option(fc.integer({ min: Math.floor(now / 1000) - 3600, max: Math.floor(now / 1000) + 120 }), { nil: undefined }),
        }),
        (facts) => {
          const assurance = Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)) as unknown as AuthUser['assurance'];
          expect(status.isFresh(user(assurance))).toBe(secondFactorStatus(user(assurance), config.maxAgeSeconds, config.acrValues, now).satisfied);
        },
      ),
    );
  });

  it('a session stepped up by /auth/second-factor (otp + secondFactorAt) counts for STEP_UP_MAX_AGE_SECONDS, then not', () => {
    expect(status.isFresh(user({ amr: ['pwd', 'otp'], secondFactorAt: clock.now() - 900_000 }))).toBe(true);
    expect(status.isFresh(user({ amr: ['pwd', 'otp'], secondFactorAt: clock.now() - 900_001 }))).toBe(false);
    expect(status.isFresh(user({ amr: ['pwd'] }))).toBe(false);
    expect(status.maxAgeSeconds).toBe(900);
  });

  it('names the step-up page, coming back to the page asked for', () => {
    expect(status.stepUpUrl('https://svc.example.com/a?b=1')).toBe('https://app.example.com/auth/second-factor?returnTo=https%3A%2F%2Fsvc.example.com%2Fa%3Fb%3D1');
    expect(status.stepUpUrl()).toBe('https://app.example.com/auth/second-factor');
  });
});
