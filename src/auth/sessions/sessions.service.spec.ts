import { jest } from '@jest/globals';
import { type Clock, SystemClock } from '../../common/clock.js';
import type { SecretsService } from '../../secrets/secrets.service.js';
import { clockOf } from '../../../test/support/clock.js';
import type { OidcClient, TokenSet } from '../oidc/oidc-client.js';
import type { RoleMapper } from '../oidc/role-mapper.js';
import { CookieSealers } from './cookie-sealer.js';
import { MemorySessionStore } from './memory-session-store.js';
import { SessionCache } from './session-cache.js';
import { SessionRefresher } from './session-refresher.js';
import { SessionStore, type StoredSession, type VersionedSession } from './session-store.js';
import { sessionsConfigSection, type SessionsConfig } from './sessions.config.js';
import { SessionsService } from './sessions.service.js';

const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);
const config = (env: Record<string, string> = {}): SessionsConfig => {
  const r = sessionsConfigSection.parse({ PUBLIC_BASE_URL: 'http://localhost:3000', OIDC_CLIENT_ID: 'app', AUTH_PROVIDER: 'dev', AUTH_SESSION_STORE: 'memory', ...env });
  if (!r.ok) throw new Error(r.problems.join());
  return r.value;
};

/** A token endpoint that rotates refresh tokens like oidc-provider: a spent one revokes the grant. */
class RotatingIdp {
  grants = 0;
  revoked = false;
  private n = 0;
  private readonly valid = new Set(['rt-0']);
  constructor(private readonly atTtlMs = 300_000) {}
  /** The login's tokens; `atTtlMs` short to make a refresh due at once. */
  tokens(atTtlMs = this.atTtlMs): TokenSet {
    return { idToken: 'id-0', accessToken: 'at-0', refreshToken: 'rt-0', expiresAt: Date.now() + atTtlMs, claims: { sub: 'u1', sid: 'sid-1' } };
  }
  refresh = async (rt: string): Promise<TokenSet> => {
    this.grants++;
    await new Promise((resolve) => setTimeout(resolve, 20)); // both callers are in flight at once
    if (this.revoked || !this.valid.has(rt)) {
      this.revoked = true;
      throw Object.assign(new Error('grant revoked'), { error: 'invalid_grant' });
    }
    this.valid.delete(rt);
    const next = `rt-${++this.n}`;
    this.valid.add(next);
    return { idToken: `id-${this.n}`, accessToken: `at-${this.n}`, refreshToken: next, expiresAt: Date.now() + this.atTtlMs, claims: {} };
  };
}

/** Counts writes, to see that activity does not write on every request. */
class CountingStore extends MemorySessionStore {
  constructor() {
    super(new SystemClock());
  }
  replaces = 0;
  gets = 0;
  override async replace(session: StoredSession, expectedVersion: string): Promise<string | undefined> {
    this.replaces++;
    return super.replace(session, expectedVersion);
  }
  override async getVersioned(id: string): Promise<VersionedSession | undefined> {
    this.gets++;
    return super.getVersioned(id);
  }
}

/** One instance's sessions over `store`: the service and its cache, refresher and cookie sealers, as SessionsModule wires them. */
function service(cfg: SessionsConfig, store: SessionStore, idp: RotatingIdp, clock: Clock = new SystemClock()): SessionsService {
  const versions = async () => ['unit-test-session-secret-0123456789abcdef'];
  const secrets = { versions, refreshVersions: versions } as unknown as SecretsService;
  const roles = { roles: () => [] } as unknown as RoleMapper;
  const cache = new SessionCache(cfg, clock);
  const refresher = new SessionRefresher(cfg, store, cache, { refresh: idp.refresh } as unknown as OidcClient, clock);
  return new SessionsService(cfg, store, cache, refresher, new CookieSealers(secrets, cfg, clock), roles, clock);
}

describe('session lifetime configuration', () => {
  it('idle timeout defaults to 30 min and the cache to 10 000 entries; an idle timeout of 0 is refused', () => {
    expect(config()).toMatchObject({ sessionIdleSeconds: 1800, sessionCacheMaxEntries: 10_000, sessionTtlSeconds: 8 * 3600 });
    expect(config({ AUTH_SESSION_IDLE_SECONDS: '300', AUTH_SESSION_CACHE_MAX_ENTRIES: '50' })).toMatchObject({ sessionIdleSeconds: 300, sessionCacheMaxEntries: 50 });
    const r = sessionsConfigSection.parse({ PUBLIC_BASE_URL: 'http://localhost:3000', OIDC_CLIENT_ID: 'app', AUTH_PROVIDER: 'dev', AUTH_SESSION_STORE: 'memory', AUTH_SESSION_IDLE_SECONDS: '0' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.join()).toMatch(/AUTH_SESSION_IDLE_SECONDS/);
  });
});

describe('SessionsService idle timeout (clock-controlled)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
    jest.setSystemTime(T0);
  });
  afterEach(() => jest.useRealTimers());
  const at = (ms: number) => jest.setSystemTime(T0 + ms);

  it('a session unused for longer than AUTH_SESSION_IDLE_SECONDS is refused and gone from the store', async () => {
    const store = new MemorySessionStore(new SystemClock());
    const sessions = service(config({ AUTH_SESSION_IDLE_SECONDS: '600' }), store, new RotatingIdp(3600_000));
    const { cookie, session } = await sessions.create(new RotatingIdp(3600_000).tokens());
    at(599_000);
    expect(await sessions.fromCookie(cookie)).toBeDefined();
    at(599_000 + 600_001);
    expect(await sessions.fromCookie(cookie)).toBeUndefined();
    expect(await store.get(session.id)).toBeUndefined();
  });

  it('activity keeps it alive (rolling), but never past the absolute AUTH_SESSION_TTL_SECONDS', async () => {
    const store = new MemorySessionStore(new SystemClock());
    const sessions = service(config({ AUTH_SESSION_IDLE_SECONDS: '600', AUTH_SESSION_TTL_SECONDS: '3600' }), store, new RotatingIdp());
    const idp = new RotatingIdp(7200_000);
    const { cookie } = await sessions.create(idp.tokens());
    for (let t = 500_000; t < 3600_000; t += 500_000) {
      at(t);
      expect(await sessions.fromCookie(cookie)).toBeDefined();
    }
    at(3600_000);
    expect(await sessions.fromCookie(cookie)).toBeUndefined();
  });

  it('the idle deadline is written at most every min(idle/10, 60 s), not on every request', async () => {
    const store = new CountingStore();
    const sessions = service(config({ AUTH_SESSION_IDLE_SECONDS: '1800' }), store, new RotatingIdp());
    const { cookie } = await sessions.create(new RotatingIdp(3600_000).tokens());
    // 600 requests, one a second for 10 minutes: 60 s apart at most → about 10 writes.
    for (let t = 1000; t <= 600_000; t += 1000) {
      at(t);
      expect(await sessions.fromCookie(cookie)).toBeDefined();
    }
    expect(store.replaces).toBeGreaterThanOrEqual(9);
    expect(store.replaces).toBeLessThanOrEqual(10);
  });

  it('the idle deadline moved by one instance holds on another (stored with the session)', async () => {
    const store = new MemorySessionStore(new SystemClock());
    const cfg = config({ AUTH_SESSION_IDLE_SECONDS: '100' });
    const a = service(cfg, store, new RotatingIdp());
    const b = service(cfg, store, new RotatingIdp());
    const { cookie } = await a.create(new RotatingIdp(3600_000).tokens());
    at(90_000);
    expect(await a.fromCookie(cookie)).toBeDefined(); // used on A
    at(180_000); // 180 s after login, 90 s after the use on A
    expect(await b.fromCookie(cookie)).toBeDefined();
    at(290_000); // 110 s after the last use (on B)
    expect(await a.fromCookie(cookie)).toBeUndefined();
  });

  it('the per-instance cache never extends a session past its idle deadline', async () => {
    const store = new MemorySessionStore(new SystemClock());
    const sessions = service(config({ AUTH_SESSION_IDLE_SECONDS: '10', AUTH_SESSION_CACHE_MS: '60000' }), store, new RotatingIdp());
    const { cookie, session } = await sessions.create(new RotatingIdp(3600_000).tokens());
    expect(await sessions.fromCookie(cookie)).toBeDefined(); // cached for up to 60 s
    at(10_001);
    expect(await sessions.fromCookie(cookie)).toBeUndefined();
    expect(await store.get(session.id)).toBeUndefined();
  });

  it('the per-instance cache is bounded by AUTH_SESSION_CACHE_MAX_ENTRIES (oldest evicted)', async () => {
    const store = new CountingStore();
    const sessions = service(config({ AUTH_SESSION_CACHE_MS: '60000', AUTH_SESSION_CACHE_MAX_ENTRIES: '3' }), store, new RotatingIdp());
    const cookies: string[] = [];
    for (let i = 0; i < 5; i++) cookies.push((await sessions.create(new RotatingIdp(3600_000).tokens())).cookie);
    for (const cookie of cookies) await sessions.fromCookie(cookie);
    expect((sessions as unknown as { cache: Map<string, unknown> }).cache.size).toBe(3);
    store.gets = 0;
    for (const cookie of cookies.slice(2)) await sessions.fromCookie(cookie); // the 3 newest: cache hits
    expect(store.gets).toBe(0);
    await sessions.fromCookie(cookies[0]!); // evicted: read from the store
    expect(store.gets).toBe(1);
  });
});

describe('SessionsService refresh across instances (rotating refresh tokens)', () => {
  it('two instances refreshing one session at once: one refresh grant, both signed in with the winner’s tokens', async () => {
    const store = new MemorySessionStore(new SystemClock());
    const idp = new RotatingIdp();
    const cfg = config();
    const a = service(cfg, store, idp);
    const b = service(cfg, store, idp);
    // 30 s left, inside AUTH_REFRESH_BEFORE_SECONDS=60: a refresh is due at once.
    const { cookie, session } = await a.create(idp.tokens(30_000));
    const [onA, onB] = await Promise.all([a.fromCookie(cookie), b.fromCookie(cookie)]);
    expect(idp.grants).toBe(1);
    expect(idp.revoked).toBe(false);
    expect(onA?.accessToken).toBe('at-1');
    expect(onB?.accessToken).toBe('at-1');
    // The next round refreshes with the rotated token and still works.
    const row = (await store.getVersioned(session.id))!;
    await store.replace({ ...row.session, accessTokenExpiresAt: Date.now() + 30_000 }, row.version);
    const [again] = await Promise.all([b.fromCookie(cookie), a.fromCookie(cookie)]);
    expect(again?.refreshToken).toBe('rt-2');
    expect(idp.grants).toBe(2);
    expect(idp.revoked).toBe(false);
  });

  it('a refresh lock left by a crashed instance lapses: another instance refreshes after it', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
    try {
      const store = new MemorySessionStore(new SystemClock());
      const idp = new RotatingIdp();
      // Waiting for the lock moves the (fake) time on instead of sleeping.
      const b = service(config(), store, idp, clockOf(() => Date.now(), async () => {
        jest.setSystemTime(Date.now() + 1000);
      }));
      const { cookie, session } = await b.create(idp.tokens(30_000));
      const row = (await store.getVersioned(session.id))!;
      await store.replace({ ...row.session, refreshLock: { owner: 'crashed', until: Date.now() + 15_000 } }, row.version);
      const s = await b.fromCookie(cookie);
      expect(s?.accessToken).toBe('at-1');
      expect(idp.grants).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a refresh the IdP refuses ends the session', async () => {
    const store = new MemorySessionStore(new SystemClock());
    const idp = new RotatingIdp();
    idp.revoked = true;
    const a = service(config(), store, idp);
    const { cookie, session } = await a.create(idp.tokens(30_000));
    expect(await a.fromCookie(cookie)).toBeUndefined();
    expect(await store.get(session.id)).toBeUndefined();
  });
});

describe('SessionsService.recordSecondFactor', () => {
  it('stores the login’s acr/amr/auth_time, then on a second factor adds otp and the time under a new id; the old cookie no longer opens it', async () => {
    let now = T0;
    const clock = clockOf(() => now);
    const store = new MemorySessionStore(clock);
    const idp = new RotatingIdp();
    const sessions = service(config(), store, idp, clock);
    const tokens = { ...idp.tokens(), claims: { sub: 'u1', sid: 'sid-1', acr: '1', amr: ['pwd'], auth_time: T0 / 1000, email: 'd@example.test', email_verified: true } };
    const { session, cookie } = await sessions.create(tokens);
    expect(session).toMatchObject({ acr: '1', amr: ['pwd'], authTime: T0 / 1000, claims: { email: 'd@example.test', email_verified: true } });

    now += 60_000;
    const stepped = (await sessions.recordSecondFactor(session.id))!;
    expect(stepped.session.id).not.toBe(session.id);
    expect(stepped.session).toMatchObject({ sub: 'u1', amr: ['pwd', 'otp'], secondFactorAt: T0 + 60_000, refreshToken: 'rt-0' });
    expect(await sessions.fromCookie(cookie)).toBeUndefined();
    expect((await sessions.fromCookie(stepped.cookie))?.secondFactorAt).toBe(T0 + 60_000);
    // A second step-up keeps one `otp`.
    expect((await sessions.recordSecondFactor(stepped.session.id))!.session.amr).toEqual(['pwd', 'otp']);
    expect(await sessions.recordSecondFactor('gone')).toBeUndefined();
  });
});
