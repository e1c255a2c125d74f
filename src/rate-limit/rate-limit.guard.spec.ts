import type { ExecutionContext } from '@nestjs/common';
import fc from 'fast-check';
import { RateLimitGuard, rateLimitKey } from './rate-limit.guard.js';

class Routes {
  verify() {}
  twoStepVerify() {}
}
const contextOf = (handler: () => void) => ({ getClass: () => Routes, getHandler: () => handler }) as unknown as ExecutionContext;

describe('RateLimitGuard keys', () => {
  const guard = Object.create(RateLimitGuard.prototype) as RateLimitGuard & { generateKey(c: ExecutionContext, t: string, n: string): string };

  it('one key per limit and client, whatever the route', () => {
    const api = guard.generateKey(contextOf(Routes.prototype.verify), '198.51.100.7', 'verify');
    const panel = guard.generateKey(contextOf(Routes.prototype.twoStepVerify), '198.51.100.7', 'verify');
    expect(api).toBe(panel);
    expect(api).toBe(rateLimitKey('198.51.100.7', 'verify'));
  });

  it('invariant: different clients or different limits never share a key', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.constantFrom('default', 'verify'), fc.constantFrom('default', 'verify'), (a, b, m, n) => {
        fc.pre(a !== b || m !== n);
        expect(rateLimitKey(a, m)).not.toBe(rateLimitKey(b, n));
      }),
    );
  });
});
