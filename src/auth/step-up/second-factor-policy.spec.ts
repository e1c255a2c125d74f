import { secondFactorStatus, stepUpChallenge } from './second-factor-policy.js';

describe('secondFactorStatus (the one rule for sessions and Bearer tokens)', () => {
  const now = Date.parse('2026-12-04T10:00:00Z');
  const s = now / 1000;
  const status = (assurance: Parameters<typeof secondFactorStatus>[0]['assurance'], maxAge = 900, acr: string[] = ['gold', 'mfa']) => secondFactorStatus({ assurance }, maxAge, acr, now);

  it('this app’s own second factor counts while younger than the max age', () => {
    expect(status({ amr: ['pwd', 'otp'], secondFactorAt: now - 899_000 })).toEqual({ satisfied: true, at: now - 899_000, by: 'otp' });
    expect(status({ amr: ['pwd', 'otp'], secondFactorAt: now - 901_000 }).satisfied).toBe(false);
    expect(status({ amr: ['pwd', 'otp'], secondFactorAt: now - 30_000 }, 10).satisfied).toBe(false);
  });

  it('this app’s own second factor needs both facts the step-up records: otp in amr and secondFactorAt', () => {
    expect(status({ amr: ['pwd'], secondFactorAt: now - 1_000 }).satisfied).toBe(false);
    expect(status({ amr: ['pwd', 'otp'] }).satisfied).toBe(false);
  });

  it('the IdP’s step-up counts with a listed acr or amr value and a recent auth_time, never without auth_time', () => {
    expect(status({ acr: 'gold', amr: [], authTime: s - 60 })).toEqual({ satisfied: true, at: now - 60_000, by: 'acr' });
    expect(status({ amr: ['pwd', 'mfa'], authTime: s - 60 }).satisfied).toBe(true);
    expect(status({ acr: 'gold', amr: [] }).satisfied).toBe(false);
    expect(status({ acr: 'silver', amr: ['pwd'], authTime: s }).satisfied).toBe(false);
    expect(status({ acr: 'gold', amr: [], authTime: s - 60 }, 900, []).satisfied).toBe(false);
  });

  it('nothing, or a time far in the future, does not count', () => {
    expect(status(undefined).satisfied).toBe(false);
    expect(status({ amr: [], secondFactorAt: now + 3_600_000 }).satisfied).toBe(false);
  });

  it('the freshest of both is reported', () => {
    expect(status({ acr: 'gold', amr: ['otp'], authTime: s - 10, secondFactorAt: now - 100_000 })).toMatchObject({ by: 'acr', at: now - 10_000 });
  });
});

describe('stepUpChallenge (RFC 9470)', () => {
  it('names the error, the max age and, when an IdP step-up is accepted, the acr values', () => {
    expect(stepUpChallenge(900, [])).toBe('Bearer error="insufficient_user_authentication", error_description="A second factor within the last 900 seconds is required", max_age=900');
    expect(stepUpChallenge(60, ['gold', 'mfa'])).toMatch(/, max_age=60, acr_values="gold mfa"$/);
  });
});
