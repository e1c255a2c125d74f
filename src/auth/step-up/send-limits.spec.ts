import fc from 'fast-check';
import { judge } from './send-limits.js';

const rules = { perWindow: 5, windowMs: 600_000, cooldownMs: 30_000 };
const now = 10_000_000;

describe('judge (the send limits over one user’s one destination)', () => {
  it('allows the first send', () => {
    expect(judge([{ id: 'm', at: now }], 'm', now, rules)).toEqual({ allowed: true });
  });

  it('refuses within the cooldown, saying when the next send is allowed', () => {
    expect(judge([{ id: 'a', at: now - 10_000 }, { id: 'm', at: now }], 'm', now, rules)).toEqual({ allowed: false, limit: 'cooldown', retryAfterSeconds: 20 });
  });

  it('refuses the sixth in a window, until the oldest leaves it', () => {
    const five = [1, 2, 3, 4, 5].map((i) => ({ id: `s${i}`, at: now - 500_000 + i * 60_000 }));
    expect(judge([...five, { id: 'm', at: now }], 'm', now, rules)).toEqual({ allowed: false, limit: 'window', retryAfterSeconds: 160 });
    // Sends older than the window do not count.
    expect(judge([{ id: 'old', at: now - 700_000 }, ...five.slice(1), { id: 'm', at: now }], 'm', now, rules)).toEqual({ allowed: true });
  });

  it('two reservations at once: only the first in order may go, whatever order the replicas read them in', () => {
    const both = [
      { id: 'b', at: now },
      { id: 'a', at: now },
    ];
    expect(judge(both, 'a', now, rules)).toEqual({ allowed: true });
    expect(judge(both, 'b', now, rules)).toMatchObject({ allowed: false, limit: 'cooldown' });
  });

  it('never allows more than perWindow in any window, nor two within the cooldown (any history)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_200_000 }), { maxLength: 30 }), (offsets) => {
        const allowed: number[] = [];
        for (const [i, offset] of [...offsets].sort((x, y) => x - y).entries()) {
          const at = offset;
          const history = allowed.map((t, j) => ({ id: `k${j}`, at: t }));
          if (judge([...history, { id: `m${i}`, at }], `m${i}`, at, rules).allowed) allowed.push(at);
        }
        for (let i = 1; i < allowed.length; i++) expect(allowed[i]! - allowed[i - 1]!).toBeGreaterThanOrEqual(rules.cooldownMs);
        for (const t of allowed) expect(allowed.filter((u) => u > t - rules.windowMs && u <= t).length).toBeLessThanOrEqual(rules.perWindow);
      }),
    );
  });
});
