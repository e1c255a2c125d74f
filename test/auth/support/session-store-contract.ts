import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { SessionStore, StoredSession } from '../../../src/auth/sessions/session-store.js';

export const sampleSession = (over: Partial<StoredSession> = {}): StoredSession => ({
  id: randomUUID(),
  sub: 'u',
  idpSid: 'sid-1',
  name: 'U',
  roles: [],
  claims: {},
  idToken: 'id',
  accessToken: 'at',
  refreshToken: 'rt',
  accessTokenExpiresAt: Date.now() + 60_000,
  createdAt: Date.now(),
  expiresAt: Date.now() + 60_000,
  idleExpiresAt: Date.now() + 30_000,
  ...over,
});

/**
 * What every SessionStore must do (memory, Table, and any other kind): one suite, run against each
 * real store, so a new store proves the same compare-and-swap, deadline and claim semantics.
 */
export function describeSessionStoreContract(kind: string, makeStore: () => SessionStore): void {
  describe(`${kind} SessionStore contract`, () => {
    let store: SessionStore;
    beforeAll(() => {
      store = makeStore();
    });
    afterAll(() => store.close());

    it('put then getVersioned gives the session and a version', async () => {
      const s = sampleSession();
      const version = await store.put(s);
      const got = await store.getVersioned(s.id);
      expect(got?.session).toEqual(s);
      expect(got?.version).toBe(version);
      expect(await store.get(s.id)).toEqual(s);
    });

    it('a session past its absolute or its idle deadline is gone', async () => {
      const absolute = sampleSession({ expiresAt: Date.now() - 1, idleExpiresAt: Date.now() + 60_000 });
      const idle = sampleSession({ expiresAt: Date.now() + 60_000, idleExpiresAt: Date.now() - 1 });
      const legacy = sampleSession({ idleExpiresAt: undefined });
      await Promise.all([store.put(absolute), store.put(idle), store.put(legacy)]);
      expect(await store.get(absolute.id)).toBeUndefined();
      expect(await store.get(idle.id)).toBeUndefined();
      expect((await store.get(legacy.id))?.id).toBe(legacy.id);
    });

    it('replace succeeds only with the current version (compare-and-swap) and returns the next one', async () => {
      const s = sampleSession();
      const v1 = await store.put(s);
      const v2 = await store.replace({ ...s, accessToken: 'at-2' }, v1);
      expect(v2).toBeDefined();
      expect(v2).not.toBe(v1);
      expect(await store.replace({ ...s, accessToken: 'stale' }, v1)).toBeUndefined();
      expect((await store.get(s.id))?.accessToken).toBe('at-2');
      const v3 = await store.replace({ ...s, accessToken: 'at-3' }, v2!);
      expect((await store.getVersioned(s.id))?.version).toBe(v3);
    });

    it('of concurrent replaces from one version, exactly one wins', async () => {
      const s = sampleSession();
      const v1 = await store.put(s);
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => store.replace({ ...s, accessToken: `at-${i}` }, v1)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.findIndex(Boolean);
      expect((await store.get(s.id))?.accessToken).toBe(`at-${winner}`);
    });

    it('replace never recreates a deleted session', async () => {
      const s = sampleSession();
      const v1 = await store.put(s);
      await store.delete(s.id);
      expect(await store.replace(s, v1)).toBeUndefined();
      expect(await store.get(s.id)).toBeUndefined();
    });

    it('deleteWhere ends by IdP session or subject, and never touches claims', async () => {
      const sub = randomUUID();
      const a = sampleSession({ sub, idpSid: `${sub}-1` });
      const b = sampleSession({ sub, idpSid: `${sub}-2` });
      await Promise.all([store.put(a), store.put(b)]);
      const claimKey = `claim-${sub}`;
      expect(await store.claimOnce(claimKey, 60)).toBe(true);
      expect(await store.deleteWhere({ idpSid: `${sub}-1` })).toBe(1);
      expect(await store.get(b.id)).toBeDefined();
      expect(await store.deleteWhere({ sub })).toBe(1);
      expect(await store.deleteWhere({})).toBe(0);
      expect(await store.claimOnce(claimKey, 60)).toBe(false);
    });

    it('claimOnce: the first caller wins, concurrent and later callers lose, any key characters', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }), async (raw) => {
          const key = `${randomUUID()}${raw}`;
          const results = await Promise.all([store.claimOnce(key, 60), store.claimOnce(key, 60), store.claimOnce(key, 60)]);
          return results.filter(Boolean).length === 1 && !(await store.claimOnce(key, 60));
        }),
        { numRuns: 15 },
      );
    });

    it('claimOnce: a lapsed claim can be taken again', async () => {
      const key = randomUUID();
      expect(await store.claimOnce(key, 1)).toBe(true);
      expect(await store.claimOnce(key, 1)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await store.claimOnce(key, 60)).toBe(true);
      expect(await store.claimOnce(key, 60)).toBe(false);
    });

    it('shared values: put, read back until their expiry, deleted; apart from sessions and claims, any key characters', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }), fc.string({ maxLength: 300 }), async (raw, value) => {
          const key = `${randomUUID()}${raw}`;
          await store.putValue(key, value, Date.now() + 60_000);
          const read = await store.getValue(key);
          await store.deleteValue(key);
          return read === value && (await store.getValue(key)) === undefined;
        }),
        { numRuns: 15 },
      );
      const s = sampleSession();
      await store.put(s);
      await store.putValue(s.id, 'not a session', Date.now() + 60_000);
      expect((await store.get(s.id))?.accessToken).toBe('at');
      expect(await store.deleteWhere({ sub: s.sub, idpSid: s.idpSid })).toBeGreaterThanOrEqual(1);
      expect(await store.getValue(s.id)).toBe('not a session');
      expect(await store.claimOnce(`value-${s.id}`, 60)).toBe(true);
    });

    it('shared values: a later put replaces the value; one past its expiry is gone', async () => {
      const key = randomUUID();
      await store.putValue(key, 'first', Date.now() + 60_000);
      await store.putValue(key, 'second', Date.now() + 60_000);
      expect(await store.getValue(key)).toBe('second');
      await store.putValue(key, 'brief', Date.now() + 300);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await store.getValue(key)).toBeUndefined();
    });
  });
}
