import { BackOff } from './back-off.js';

describe('BackOff', () => {
  it('doubles its ceiling from the minimum up to the maximum, then resets after messages', () => {
    const top = new BackOff(100, 60_000, () => 1);
    expect(Array.from({ length: 12 }, () => top.next())).toEqual([200, 400, 800, 1600, 3200, 6400, 12_800, 25_600, 51_200, 60_000, 60_000, 60_000]);
    top.reset();
    expect(top.next()).toBe(200);
  });

  it('is randomized between the minimum and the current ceiling', () => {
    expect(new BackOff(100, 60_000, () => 0).next()).toBe(100);
    const half = new BackOff(100, 60_000, () => 0.5);
    half.next();
    expect(half.next()).toBe(250);
    const real = new BackOff(100, 1000);
    for (let i = 0; i < 50; i++) {
      const wait = real.next();
      expect(wait).toBeGreaterThanOrEqual(100);
      expect(wait).toBeLessThanOrEqual(1000);
    }
  });
});
