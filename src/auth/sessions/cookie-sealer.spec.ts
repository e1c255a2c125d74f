import { CookieSealer } from './cookie-sealer.js';

describe('CookieSealer', () => {
  const sealer = new CookieSealer('secret-one-0123456789', 'session');

  it('round-trips a payload, with a fresh IV each time', () => {
    const a = sealer.seal({ s: 'abc' });
    expect(sealer.open(a)).toEqual({ s: 'abc' });
    expect(sealer.seal({ s: 'abc' })).not.toBe(a);
  });

  it('refuses a tampered, truncated or foreign value, and another purpose', () => {
    const value = sealer.seal({ s: 'abc' });
    const raw = Buffer.from(value, 'base64url');
    raw[14] = raw[14]! ^ 0xff;
    expect(sealer.open(raw.toString('base64url'))).toBeUndefined();
    expect(sealer.open(value.slice(0, -4))).toBeUndefined();
    expect(new CookieSealer('secret-two-0123456789', 'session').open(value)).toBeUndefined();
    expect(new CookieSealer('secret-one-0123456789', 'login-transaction').open(value)).toBeUndefined();
    expect(sealer.open('not base64 at all !!')).toBeUndefined();
    expect(sealer.open(undefined)).toBeUndefined();
  });

  it('keeps a session cookie small whatever the tokens (they stay server-side)', () => {
    expect(sealer.seal({ s: 'x'.repeat(43) }).length).toBeLessThan(200);
  });
});

describe('CookieSealer: remembered opens', () => {
  it('opens a value it has opened before to an equal, frozen payload without decrypting again', () => {
    const sealer = new CookieSealer('secret-one-0123456789', 'session', 10);
    const value = sealer.seal({ s: 'abc' });
    const first = sealer.open<{ s: string }>(value);
    expect(first).toEqual({ s: 'abc' });
    expect(sealer.openedCount).toBe(1);
    expect(sealer.open(value)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('remembers only values that opened, and at most its size (oldest out first)', () => {
    const sealer = new CookieSealer('secret-one-0123456789', 'session', 3);
    const values = Array.from({ length: 5 }, (_, i) => sealer.seal({ s: `id-${i}` }));
    for (const v of values) sealer.open(v);
    expect(sealer.openedCount).toBe(3);
    const raw = Buffer.from(values[4]!, 'base64url');
    raw[14] = raw[14]! ^ 0xff;
    expect(sealer.open(raw.toString('base64url'))).toBeUndefined();
    expect(sealer.open(values[4]!.slice(0, -1))).toBeUndefined();
    expect(sealer.openedCount).toBe(3);
    // The evicted ones still open (by decrypting again).
    expect(sealer.open(values[0])).toEqual({ s: 'id-0' });
  });

  it('a value another key sealed never opens, remembered or not', () => {
    const mine = new CookieSealer('secret-one-0123456789', 'session', 10);
    const theirs = new CookieSealer('secret-two-0123456789', 'session', 10);
    const value = theirs.seal({ s: 'abc' });
    expect(theirs.open(value)).toEqual({ s: 'abc' });
    expect(mine.open(value)).toBeUndefined();
    expect(mine.openedCount).toBe(0);
  });
});
