import { CookieSealer, CookieSealers, UNOPENED_REREAD_MS } from './cookie-sealer.js';
import type { SessionsConfig } from './sessions.config.js';
import { SecretStore } from '../../secrets/secret-store.js';
import { SecretsService } from '../../secrets/secrets.service.js';
import type { SecretsConfig } from '../../secrets/secrets.config.js';
import { ManualClock } from '../../../test/support/clock.js';

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

describe('CookieSealer: session-secret versions', () => {
  it('seals with the newest version and opens what any listed version sealed; a version no longer listed opens nothing', () => {
    const v1 = new CookieSealer(['v1-secret-0123456789'], 'session');
    const rotated = new CookieSealer(['v2-secret-0123456789', 'v1-secret-0123456789'], 'session');
    const dropped = new CookieSealer(['v2-secret-0123456789'], 'session');
    const old = v1.seal({ s: 'old' });
    const fresh = rotated.seal({ s: 'new' });
    expect(rotated.open(old)).toEqual({ s: 'old' });
    expect(dropped.open(fresh)).toEqual({ s: 'new' }); // sealed with the newest
    expect(v1.open(fresh)).toBeUndefined();
    expect(dropped.open(old)).toBeUndefined();
  });
});

describe('CookieSealers (the versions read live from the secret store)', () => {
  const config = { sessionSecretName: 'session-secret', sessionSecretVersions: 2, sessionSecretRefreshMs: 60_000 } as SessionsConfig;
  /** A store whose versions the test sets, with SecretsService's caching on a manual clock. */
  const setup = () => {
    const store = new (class extends SecretStore {
      readonly kind = 'scripted';
      lines = ['v1-secret-0123456789'];
      reads = 0;
      async read(): Promise<string> {
        return this.lines.join('\n');
      }
      override async readVersions(_name: string, max: number): Promise<string[]> {
        this.reads++;
        return this.lines.slice(0, max);
      }
    })();
    const clock = new ManualClock(0);
    const secrets = new SecretsService(store, { maxAgeMs: 3_600_000 } as SecretsConfig, clock);
    return { store, clock, sealers: new CookieSealers(secrets, config, clock) };
  };

  it('picks up a rotation after AUTH_SESSION_SECRET_REFRESH_SECONDS: old cookies still open, new ones are sealed with the new version', async () => {
    const { store, clock, sealers } = setup();
    const old = (await sealers.session()).seal({ s: 'a' });
    store.lines = ['v2-secret-0123456789', 'v1-secret-0123456789'];
    clock.advance(60_000);
    const fresh = (await sealers.session()).seal({ s: 'b' });
    expect(await sealers.openSession(old)).toEqual({ s: 'a' });
    expect(new CookieSealer('v2-secret-0123456789', 'session').open(fresh)).toEqual({ s: 'b' });
    store.lines = ['v2-secret-0123456789'];
    clock.advance(60_000);
    expect(await sealers.openSession(old)).toBeUndefined(); // the old sealer's opened-values cache went with it
    expect(await sealers.openSession(fresh)).toEqual({ s: 'b' });
  });

  it('a cookie no known version opens makes it re-read the versions at once (another instance rotated first), at most every few seconds', async () => {
    const { store, clock, sealers } = setup();
    await sealers.session();
    const byAnotherInstance = new CookieSealer(['v2-secret-0123456789', 'v1-secret-0123456789'], 'session').seal({ s: 'x' });
    store.lines = ['v2-secret-0123456789', 'v1-secret-0123456789'];
    clock.advance(UNOPENED_REREAD_MS);
    const reads = store.reads;
    expect(await sealers.openSession(byAnotherInstance)).toEqual({ s: 'x' });
    expect(store.reads).toBe(reads + 1);
    // Junk cookies: no further store reads within the interval.
    for (let i = 0; i < 20; i++) expect(await sealers.openSession(`junk${i}`.padEnd(40, 'A'))).toBeUndefined();
    expect(store.reads).toBe(reads + 1);
  });
});
