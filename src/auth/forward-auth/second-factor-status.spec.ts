import { ManualClock } from '../../../test/support/clock.js';
import type { RuntimeConfig } from '../../config/runtime.config.js';
import type { StoredSession } from '../sessions/session-store.js';
import { SECOND_FACTOR_MAX_AGE_SECONDS, StoredSecondFactorStatus } from './second-factor-status.js';

describe('StoredSecondFactorStatus', () => {
  const clock = new ManualClock(10_000_000);
  const status = new StoredSecondFactorStatus({ publicBaseUrl: 'https://app.example.com' } as RuntimeConfig, clock);

  it('reads secondFactorAt from the stored session (absent on sessions written without it)', () => {
    expect(status.completedAt({ secondFactorAt: 123 } as unknown as StoredSession)).toBe(123);
    expect(status.completedAt({} as StoredSession)).toBeUndefined();
    expect(status.completedAt({ secondFactorAt: 'soon' } as unknown as StoredSession)).toBeUndefined();
  });

  it('fresh for SECOND_FACTOR_MAX_AGE_SECONDS, never from the future', () => {
    expect(status.isFresh(undefined)).toBe(false);
    expect(status.isFresh(clock.now() - SECOND_FACTOR_MAX_AGE_SECONDS * 1000)).toBe(true);
    expect(status.isFresh(clock.now() - SECOND_FACTOR_MAX_AGE_SECONDS * 1000 - 1)).toBe(false);
    expect(status.isFresh(clock.now() + 1)).toBe(false);
  });

  it('names the step-up page, coming back to the page asked for', () => {
    expect(status.stepUpUrl('https://svc.example.com/a?b=1')).toBe('https://app.example.com/auth/second-factor?returnTo=https%3A%2F%2Fsvc.example.com%2Fa%3Fb%3D1');
    expect(status.stepUpUrl()).toBe('https://app.example.com/auth/second-factor');
  });
});
