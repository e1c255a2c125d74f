import fc from 'fast-check';
import { TokenResultCache } from './token-result.cache.js';

describe('TokenResultCache', () => {
  it('never holds more than maxEntries, evicting the least recently used', () => {
    const cache = new TokenResultCache<number>(3);
    for (const k of ['a', 'b', 'c']) cache.set(k, 1, 10_000, 0);
    expect(cache.get('a', 1)).toBe(1); // a is now the most recent
    cache.set('d', 1, 10_000, 2);
    expect(cache.size).toBe(3);
    expect(cache.get('b', 3)).toBeUndefined();
    expect(cache.get('a', 3)).toBe(1);
    expect(cache.get('c', 3)).toBe(1);
    expect(cache.get('d', 3)).toBe(1);
  });

  it('never answers at or after an entry’s expiry, and drops it', () => {
    const cache = new TokenResultCache<string>(10);
    cache.set('t', 'claims', 1000, 0);
    expect(cache.get('t', 999)).toBe('claims');
    expect(cache.get('t', 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('stores nothing already expired, nor with maxEntries 0', () => {
    const cache = new TokenResultCache<string>(10);
    cache.set('t', 'x', 500, 500);
    expect(cache.size).toBe(0);
    const off = new TokenResultCache<string>(0);
    off.set('t', 'x', 10_000, 0);
    expect(off.get('t', 1)).toBeUndefined();
  });

  it('keys are digests, not the token', () => {
    const key = TokenResultCache.keyOf('eyJhbGciOi.secret.token');
    expect(key).toMatch(/^[\w-]{43}$/);
    expect(key).not.toContain('secret');
  });

  it('invariant: for any sequence of sets and gets, size ≤ bound and no answer past its expiry', () => {
    const op = fc.record({
      set: fc.boolean(),
      key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      ttl: fc.integer({ min: -5, max: 50 }),
      advance: fc.integer({ min: 0, max: 20 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.array(op, { maxLength: 80 }), (bound, ops) => {
        const cache = new TokenResultCache<number>(bound);
        const expiry = new Map<string, number>();
        let now = 0;
        for (const o of ops) {
          now += o.advance;
          if (o.set) {
            cache.set(o.key, now + o.ttl, now + o.ttl, now);
            if (o.ttl > 0) expiry.set(o.key, now + o.ttl);
          } else {
            const got = cache.get(o.key, now);
            if (got !== undefined) {
              expect(got).toBe(expiry.get(o.key));
              expect(got).toBeGreaterThan(now);
            }
          }
          expect(cache.size).toBeLessThanOrEqual(bound);
        }
      }),
    );
  });
});
