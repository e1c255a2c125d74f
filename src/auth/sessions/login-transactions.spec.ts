import fc from 'fast-check';
import { chooseSlot, type LoginTransaction } from './login-transactions.js';

const attempt = (exp: number): LoginTransaction => ({ state: `s${exp}`, nonce: 'n', codeVerifier: 'v', returnTo: '/', exp });

describe('chooseSlot', () => {
  it('takes a free slot (at random among the free ones), else the oldest attempt’s', () => {
    expect(chooseSlot([attempt(5), undefined, attempt(3)], () => 0)).toBe(1);
    expect(chooseSlot([undefined, attempt(1), undefined], (max) => max - 1)).toBe(2);
    expect(chooseSlot([attempt(5), attempt(2), attempt(9)])).toBe(1);
  });

  it('invariant: always a slot of the browser’s; never a pending attempt while one is free; otherwise the one with the earliest expiry', () => {
    const slots = fc.array(fc.option(fc.integer({ min: 1, max: 1e9 }).map(attempt), { nil: undefined }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(slots, (pending) => {
        const slot = chooseSlot(pending);
        expect(slot).toBeGreaterThanOrEqual(0);
        expect(slot).toBeLessThan(pending.length);
        if (pending.some((tx) => tx === undefined)) expect(pending[slot]).toBeUndefined();
        else expect(pending[slot]!.exp).toBe(Math.min(...pending.map((tx) => tx!.exp)));
      }),
    );
  });
});
