import fc from 'fast-check';
import { startRedis, type RedisServerHandle } from '../../../test/support/redis.js';
import { RedisConnection } from '../../redis/redis-connection.js';
import { redisConfigSection } from '../../redis/redis.config.js';
import { RedisUnavailableError } from '../../redis/redis.errors.js';
import { MemorySessionStore } from './memory-session-store.js';
import { RedisSessionStore } from './redis-session-store.js';
import type { StoredSession } from './session-store.js';
import { SystemClock } from '../../common/clock.js';

const connectionTo = (url: string, prefix = 'spec:') => {
  const r = redisConfigSection.parse({ AUTH_SESSION_STORE: 'redis', AUTH_PROVIDER: 'dev', REDIS_URL: url, REDIS_KEY_PREFIX: prefix });
  if (!r.ok) throw new Error(r.problems.join());
  return new RedisConnection(r.value, new SystemClock());
};

const session = (id: string, extra: Partial<StoredSession> = {}): StoredSession => ({
  id,
  sub: 'user-1',
  idpSid: 'sid-1',
  name: 'Dana',
  roles: ['reader'],
  claims: { email_verified: true },
  idToken: 'id.token.value',
  accessToken: 'access-token',
  refreshToken: 'refresh-token',
  accessTokenExpiresAt: Date.now() + 60_000,
  createdAt: Date.now(),
  expiresAt: Date.now() + 3_600_000,
  idleExpiresAt: Date.now() + 1_800_000,
  ...extra,
});

describe('RedisSessionStore (real redis-server)', () => {
  let redis: RedisServerHandle;
  let a: RedisConnection;
  let b: RedisConnection;
  let storeA: RedisSessionStore;
  let storeB: RedisSessionStore;

  beforeAll(async () => {
    redis = await startRedis();
    // Two connections, as two app instances would have.
    a = connectionTo(redis.url);
    b = connectionTo(redis.url);
    await Promise.all([a.open(), b.open()]);
    storeA = new RedisSessionStore(a, new SystemClock());
    storeB = new RedisSessionStore(b, new SystemClock());
  });
  beforeEach(async () => {
    await a.client.flushall();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('round-trips a session between instances, one key per session expiring at its deadline', async () => {
    const s = session('abc');
    const version = await storeA.put(s);
    expect(await storeB.getVersioned('abc')).toEqual({ session: s, version });
    const keys = await a.client.keys('spec:{sessions}:s:*');
    expect(keys).toEqual(['spec:{sessions}:s:abc']);
    // Native expiry at the earlier of idle and absolute end.
    expect(await a.client.pexpiretime(keys[0]!)).toBe(s.idleExpiresAt);
    await storeA.put({ ...s, idleExpiresAt: undefined });
    expect(await a.client.pexpiretime(keys[0]!)).toBe(s.expiresAt);
  });

  it('a session past its deadline is gone', async () => {
    await storeA.put(session('old', { idleExpiresAt: Date.now() - 1 }));
    expect(await storeB.get('old')).toBeUndefined();
    expect(await a.client.exists('spec:{sessions}:s:old')).toBe(0);
  });

  it('replace is a compare-and-swap across instances: of two writers holding one version exactly one wins; it never creates a row', async () => {
    const v1 = await storeA.put(session('cas'));
    const [ra, rb] = await Promise.all([
      storeA.replace(session('cas', { name: 'from A' }), v1),
      storeB.replace(session('cas', { name: 'from B' }), v1),
    ]);
    expect([ra, rb].filter((v) => v !== undefined)).toHaveLength(1);
    const winner = ra ? 'from A' : 'from B';
    const stored = await storeA.getVersioned('cas');
    expect(stored?.session.name).toBe(winner);
    expect(stored?.version).toBe(ra ?? rb);
    expect(await storeB.replace(session('cas'), v1)).toBeUndefined(); // stale version
    expect(await storeB.replace(session('never-written'), v1)).toBeUndefined();
    expect(await storeA.get('never-written')).toBeUndefined();
    await storeA.delete('cas');
    expect(await storeB.replace(session('cas'), stored!.version)).toBeUndefined();
  });

  it('deleteWhere by sid or sub ends exactly the matching sessions on every instance', async () => {
    await storeA.put(session('1', { idpSid: 'sid-1', sub: 'u1' }));
    await storeA.put(session('2', { idpSid: 'sid-2', sub: 'u1' }));
    await storeB.put(session('3', { idpSid: 'sid-3', sub: 'u2' }));
    await storeB.put(session('4', { idpSid: undefined, sub: 'u2' }));
    expect(await storeB.deleteWhere({ idpSid: 'sid-1', sub: 'someone-else' })).toBe(0);
    expect(await storeB.deleteWhere({ idpSid: 'sid-1' })).toBe(1);
    expect(await storeA.get('1')).toBeUndefined();
    expect(await storeA.get('2')).toBeDefined();
    expect(await storeA.deleteWhere({ sub: 'u2' })).toBe(2);
    expect(await storeA.deleteWhere({})).toBe(0);
    expect(await storeA.deleteWhere({ sub: 'u1' })).toBe(1);
    // Nothing left behind but empty indexes are removed by Redis itself.
    expect(await a.client.keys('spec:{sessions}:s:*')).toEqual([]);
  });

  it('claimOnce: true for the first caller on any instance, false after, kept apart from sessions', async () => {
    await storeA.put(session('s', { sub: 'jti-1' }));
    const results = await Promise.all([storeA.claimOnce('jti-1', 120), storeB.claimOnce('jti-1', 120), storeB.claimOnce('jti-1', 120)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await storeA.claimOnce('jti-2', 120)).toBe(true);
    const [claimKey] = await a.client.keys('spec:claim:*');
    expect(await a.client.ttl(claimKey!)).toBeGreaterThan(100);
    expect(await storeA.deleteWhere({ sub: 'jti-1' })).toBe(1);
    expect(await storeB.claimOnce('jti-1', 120)).toBe(false);
  });

  it('behaves like the in-memory store for any sequence of writes, conditional writes and deletions (property)', async () => {
    const ids = fc.constantFrom('a', 'b', 'c');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), id: ids, sub: fc.constantFrom('u1', 'u2'), sid: fc.constantFrom('s1', 's2', undefined), name: fc.string({ maxLength: 5 }) }),
      fc.record({ kind: fc.constant('replace' as const), id: ids, stale: fc.boolean(), name: fc.string({ maxLength: 5 }) }),
      fc.record({ kind: fc.constant('delete' as const), id: ids }),
      fc.record({ kind: fc.constant('deleteWhere' as const), sub: fc.constantFrom('u1', 'u2', undefined), sid: fc.constantFrom('s1', 's2', undefined) }),
      fc.record({ kind: fc.constant('get' as const), id: ids }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        await a.client.flushall();
        const model = new MemorySessionStore(new SystemClock());
        // Versions differ between stores; each side remembers its own latest and first (stale) one.
        const versions = { redis: new Map<string, string[]>(), model: new Map<string, string[]>() };
        const remember = (side: 'redis' | 'model', id: string, v: string | undefined) => {
          if (v) versions[side].set(id, [...(versions[side].get(id) ?? []), v]);
        };
        const pick = (side: 'redis' | 'model', id: string, stale: boolean) => {
          const list = versions[side].get(id) ?? [];
          return (stale ? list[0] : list.at(-1)) ?? 'none';
        };
        for (const o of ops) {
          switch (o.kind) {
            case 'put': {
              const s = session(o.id, { sub: o.sub, idpSid: o.sid, name: o.name });
              remember('redis', o.id, await storeA.put(s));
              remember('model', o.id, await model.put(s));
              break;
            }
            case 'replace': {
              const current = await model.get(o.id);
              const s = { ...(current ?? session(o.id)), name: o.name };
              const r = await storeB.replace(s, pick('redis', o.id, o.stale));
              const m = await model.replace(s, pick('model', o.id, o.stale));
              expect(r !== undefined).toBe(m !== undefined);
              remember('redis', o.id, r);
              remember('model', o.id, m);
              break;
            }
            case 'delete':
              await storeA.delete(o.id);
              await model.delete(o.id);
              break;
            case 'deleteWhere':
              expect(await storeB.deleteWhere({ sub: o.sub, idpSid: o.sid })).toBe(await model.deleteWhere({ sub: o.sub, idpSid: o.sid }));
              break;
            case 'get':
              expect(await storeB.get(o.id)).toEqual(await model.get(o.id));
          }
        }
        for (const id of ['a', 'b', 'c']) expect(await storeA.get(id)).toEqual(await model.get(id));
      }),
      { numRuns: 40 },
    );
  });

  it('Redis unreachable: a 503 AppError naming no address or credential', async () => {
    const down = connectionTo('redis://:hunter2@127.0.0.1:9');
    await down.open();
    try {
      const error = await new RedisSessionStore(down, new SystemClock()).get('x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as RedisUnavailableError).status).toBe(503);
      expect((error as Error).message).not.toMatch(/hunter2|127\.0\.0\.1/);
    } finally {
      await down.close();
    }
  });
});
