import type { ExecutionContext } from '@nestjs/common';
import { VerifyThrottled, verifyThrottler } from '../rate-limit/rate-limits.js';
import { rateLimitConfigSection } from '../rate-limit/rate-limit.config.js';
import { verificationConfigSection } from './verification.config.js';
import { verifyCodeRequestSchema } from './verification.schemas.js';

class Routes {
  @VerifyThrottled()
  verify() {}
  other() {}
}

const contextFor = (handler: () => void) => ({ getHandler: () => handler }) as unknown as ExecutionContext;

/** The verify route's settings: its limit (the rate-limit section's `verify` limit) and its attempt budget (verification's section). */
const verifySettings = (env: Record<string, string>) => {
  const limits = rateLimitConfigSection.parse(env);
  const budget = verificationConfigSection.parse(env);
  if (!limits.ok || !budget.ok) return { ok: false, problems: [...(limits.ok ? [] : limits.problems), ...(budget.ok ? [] : budget.problems)] };
  return { ok: true, value: { throttleLimit: limits.value.verifyThrottleLimit, throttleTtlMs: limits.value.verifyThrottleTtlMs, ...budget.value } };
};

describe('verify throttler', () => {
  it('is configurable and stricter by default than the global limit', () => {
    expect(verifySettings({})).toEqual({ ok: true, value: { throttleLimit: 10, throttleTtlMs: 60_000, maxAttempts: 5, attemptWindowMs: 600_000, maxChecksPerCode: 5, store: 'table' } });
    expect(verifySettings({ VERIFY_MAX_ATTEMPTS: '3', CODE_TTL_SECONDS: '60' })).toMatchObject({ value: { maxAttempts: 3, attemptWindowMs: 60_000 } });
    const options = verifyThrottler({ throttleLimit: 3, throttleTtlMs: 5000 });
    expect(options).toMatchObject({ name: 'verify', limit: 3, ttl: 5000 });
  });

  it('counts only routes marked @VerifyThrottled()', () => {
    const { skipIf } = verifyThrottler({ throttleLimit: 3, throttleTtlMs: 5000 });
    expect(skipIf!(contextFor(Routes.prototype.verify))).toBe(false);
    expect(skipIf!(contextFor(Routes.prototype.other))).toBe(true);
  });
});

describe('verify request body', () => {
  it('accepts {code} only', () => {
    expect(verifyCodeRequestSchema.safeParse({ code: 'abc-1-abc' }).success).toBe(true);
    expect(verifyCodeRequestSchema.safeParse({ code: 'abc-1-abc', more: 1 }).success).toBe(false);
    expect(verifyCodeRequestSchema.safeParse('abc').success).toBe(false);
  });
});
