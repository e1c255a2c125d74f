import { jest } from '@jest/globals';
import { once } from 'node:events';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { startRedis, type RedisServerHandle } from '../../test/support/redis.js';
import { objectIdOf } from './entra-redis-credentials.js';
import { RedisConnection } from './redis-connection.js';
import { redisConfigSection, REDIS_ENTRA_SCOPE } from './redis.config.js';
import { SystemClock } from '../common/clock.js';

const OID = '6f1d3c2a-0000-4000-8000-00000000beef';
/** A JWT-shaped token (Redis does not verify it here; the ACL password is the token itself). */
const tokenFor = (n: number) =>
  [Buffer.from('{"alg":"none"}').toString('base64url'), Buffer.from(JSON.stringify({ oid: OID, n })).toString('base64url'), `sig${n}`].join('.');

/** A TokenCredential whose n-th token is released by the test (deterministic rotation). */
class FakeCredential implements TokenCredential {
  readonly scopes: string[] = [];
  private readonly releases: Array<(token: AccessToken) => void> = [];
  private readonly pending: Array<Promise<AccessToken>> = [];
  calls = 0;
  failNext?: Error;
  constructor(private readonly lifetimeMs: number) {}
  async getToken(scopes: string | string[]): Promise<AccessToken | null> {
    this.scopes.push(...[scopes].flat());
    const n = ++this.calls;
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    if (n === 1) return { token: tokenFor(1), expiresOnTimestamp: Date.now() + this.lifetimeMs };
    const p = new Promise<AccessToken>((resolve) => this.releases.push(resolve));
    this.pending.push(p);
    this.requested?.();
    return p;
  }
  requested?: () => void;
  /** Resolves when the renewer asks for a new token. */
  nextRequest(): Promise<void> {
    return new Promise((resolve) => (this.requested = resolve));
  }
  release(n: number, lifetimeMs = 3_600_000): void {
    this.releases.shift()!({ token: tokenFor(n), expiresOnTimestamp: Date.now() + lifetimeMs });
  }
}

const config = (env: Record<string, string>) => {
  const r = redisConfigSection.parse({ THROTTLE_STORE: 'redis', REDIS_AUTH: 'entra', ...env });
  if (!r.ok) throw new Error(r.problems.join());
  return r.value;
};

const authStats = async (admin: ReturnType<RedisServerHandle['admin']>) => {
  const info = await admin.info('commandstats');
  const line = /cmdstat_auth:calls=(\d+),.*?rejected_calls=(\d+),failed_calls=(\d+)/.exec(info);
  return line ? { calls: Number(line[1]), failed: Number(line[2]) + Number(line[3]) } : { calls: 0, failed: 0 };
};

describe('EntraRedisCredentials with a real redis-server (ACL user = object id, password = token)', () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('authenticates as the oid from the token, renews before expiry, re-sends AUTH on the open connection and reconnects with the fresh token', async () => {
    const admin = redis.admin();
    await admin.call('ACL', 'SETUSER', OID, 'reset', 'on', `>${tokenFor(1)}`, '~*', '+@all');
    const credential = new FakeCredential(4000);
    const connection = new RedisConnection(config({ REDIS_URL: redis.url }), new SystemClock(), undefined, () => credential);
    try {
      const asked = credential.nextRequest();
      await connection.open();
      expect(connection.isReady).toBe(true);
      expect(await connection.client.call('ACL', 'WHOAMI')).toBe(OID);
      expect(credential.scopes[0]).toBe(REDIS_ENTRA_SCOPE);
      const clientId = await connection.client.client('ID');
      const before = await authStats(admin);

      // The token rotates: the old one stops working, the new one is the only password.
      await asked; // the renewer asked for a new token before the first one expired
      await admin.call('ACL', 'SETUSER', OID, 'resetpass', `>${tokenFor(2)}`);
      const renewed = once(connection.entraCredentials!, 'renewed');
      credential.release(2);
      await renewed;

      const after = await authStats(admin);
      expect(after.calls).toBe(before.calls + 1); // AUTH re-sent...
      expect(after.failed).toBe(before.failed); // ...with the new token...
      expect(await connection.client.client('ID')).toBe(clientId); // ...on the same open connection.

      // A reconnect (e.g. Azure dropping the connection) authenticates with the renewed token.
      const ready = once(connection.client, 'ready');
      await admin.client('KILL', 'USER', OID);
      await ready;
      expect(await connection.client.call('ACL', 'WHOAMI')).toBe(OID);
      expect(await connection.client.client('ID')).not.toBe(clientId);
    } finally {
      await connection.close();
    }
  });

  it('a failed renewal is logged without the token and retried; the connection keeps working', async () => {
    const admin = redis.admin();
    await admin.call('ACL', 'SETUSER', OID, 'reset', 'on', `>${tokenFor(1)}`, `>${tokenFor(3)}`, '~*', '+@all');
    const credential = new FakeCredential(3_600_000);
    const connection = new RedisConnection(config({ REDIS_URL: redis.url }), new SystemClock(), undefined, () => credential);
    try {
      await connection.open();
      const renewer = connection.entraCredentials!;
      const warn = jest.fn<(m: string) => void>();
      (renewer as unknown as { options: { log: unknown } }).options.log = { warn, log: jest.fn() };
      credential.failNext = new Error('IMDS unreachable');
      const failed = once(renewer, 'renewFailed');
      void renewer.renew();
      await failed;
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatch(/Renewing the Entra token for Redis failed \(.*IMDS unreachable\); retrying in/);
      expect(warn.mock.calls[0]![0]).not.toContain(tokenFor(1));
      expect(await connection.client.ping()).toBe('PONG');

      const renewed = once(renewer, 'renewed');
      const asked = credential.nextRequest();
      void renewer.renew();
      await asked;
      credential.release(3);
      await renewed;
      expect(await connection.client.call('ACL', 'WHOAMI')).toBe(OID);
    } finally {
      await connection.close();
    }
  });
});

describe('objectIdOf', () => {
  it('reads oid from a token and refuses one without it (with no token in the message)', () => {
    expect(objectIdOf(tokenFor(1))).toBe(OID);
    const noOid = `x.${Buffer.from('{"sub":"a"}').toString('base64url')}.y`;
    expect(() => objectIdOf(noOid)).toThrow(/set REDIS_USERNAME/);
    expect(() => objectIdOf(noOid)).not.toThrow(new RegExp(noOid.replace(/\./g, '\\.')));
  });
});
