import { FixedWindowThrottlerStorage } from './fixed-window.storage.js';
import { clockOf } from '../../test/support/clock.js';

describe('FixedWindowThrottlerStorage', () => {
  let now = 0;
  const storage = () => new FixedWindowThrottlerStorage(clockOf(() => now), 1_000_000);

  beforeEach(() => (now = 1_000_000));

  it('allows `limit` hits per window, then blocks until the window ends', async () => {
    const s = storage();
    for (let i = 1; i <= 3; i++) expect(await s.increment('ip', 60_000, 3, 60_000, 'default')).toMatchObject({ totalHits: i, isBlocked: false });
    const blocked = await s.increment('ip', 60_000, 3, 60_000, 'default');
    expect(blocked).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
    now += 30_000;
    expect(await s.increment('ip', 60_000, 3, 60_000, 'default')).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
    now += 30_000;
    expect(await s.increment('ip', 60_000, 3, 60_000, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('keeps clients and named throttlers apart', async () => {
    const s = storage();
    await s.increment('a', 1000, 1, 1000, 'default');
    expect((await s.increment('b', 1000, 1, 1000, 'default')).isBlocked).toBe(false);
    expect((await s.increment('a', 1000, 1, 1000, 'verify')).isBlocked).toBe(false);
    expect((await s.increment('a', 1000, 1, 1000, 'default')).isBlocked).toBe(true);
  });

  it('a block longer than the window outlasts it', async () => {
    const s = storage();
    await s.increment('ip', 1000, 1, 10_000, 'default');
    await s.increment('ip', 1000, 1, 10_000, 'default');
    now += 5000;
    expect(await s.increment('ip', 1000, 1, 10_000, 'default')).toMatchObject({ isBlocked: true, timeToBlockExpire: 5 });
  });

  it('stays O(1) per request and forgets idle clients', async () => {
    const s = storage();
    for (let i = 0; i < 200_000; i++) await s.increment('busy', 60_000, 1_000_000, 60_000, 'default');
    for (let i = 0; i < 100; i++) await s.increment(`ip-${i}`, 1000, 10, 1000, 'default');
    expect(s.size).toBe(101);
    now += 60_001;
    s.sweep();
    expect(s.size).toBe(0);
  });
});
