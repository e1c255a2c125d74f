import type { ExecutionContext } from '@nestjs/common';
import { VerifyThrottled, verifyThrottler } from './verification.throttler.js';
import { verificationConfigSection } from './verification.config.js';
import { verifyCodeRequestSchema } from './verification.dto.js';

class Routes {
  @VerifyThrottled()
  verify() {}
  other() {}
}

const contextFor = (handler: () => void) => ({ getHandler: () => handler }) as unknown as ExecutionContext;

describe('verify throttler', () => {
  it('is configurable and stricter by default than the global limit', () => {
    expect(verificationConfigSection.parse({})).toEqual({ ok: true, value: { throttleLimit: 10, throttleTtlMs: 60_000, maxAttempts: 5, attemptWindowMs: 600_000 } });
    expect(verificationConfigSection.parse({ VERIFY_MAX_ATTEMPTS: '3', CODE_TTL_SECONDS: '60' })).toMatchObject({ value: { maxAttempts: 3, attemptWindowMs: 60_000 } });
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
