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
