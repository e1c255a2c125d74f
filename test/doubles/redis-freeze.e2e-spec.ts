import { connect } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import { processState as stateOf, startFreezableRedis, type FreezableRedisHandle } from '../support/redis-freeze.js';


/** A real redis-server frozen with SIGSTOP and thawed with SIGCONT, seen through ioredis. */
describe('freezable redis-server (real redis-server, ioredis)', () => {
  let redis: FreezableRedisHandle;
  const clients: Redis[] = [];
  const client = (options: RedisOptions = {}) => {
    const created = new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 1, ...options });
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    redis = await startFreezableRedis();
  });

  afterEach(async () => {
    await redis.thaw();
    for (const c of clients.splice(0)) c.disconnect();
  });

  afterAll(async () => {
    await redis.stop();
  });

  it('freeze() stops the process: commands time out, yet TCP connections are still accepted (a hang, not an outage)', async () => {
    const fast = client({ commandTimeout: 300 });
    await expect(fast.ping()).resolves.toBe('PONG');
    const pid = await redis.pid();

    await redis.freeze();
    expect(redis.frozen).toBe(true);
    expect(stateOf(pid)).toBe('T');
    await expect(fast.ping()).rejects.toThrow(/Command timed out/);

    const socket = connect(redis.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const answered = await new Promise<boolean>((resolve) => {
      socket.once('data', () => resolve(true));
      socket.write('PING\r\n');
      setTimeout(() => resolve(false), 300);
    });
    socket.destroy();
    expect(answered).toBe(false);
  });

  it('thaw() resumes it: what was sent while frozen is answered, and the state is intact', async () => {
    const patient = client();
    await patient.set('before', '1');
    await redis.freeze();
    const pending = patient.set('during', '2');
    await redis.thaw();
    await expect(pending).resolves.toBe('OK');
    expect(stateOf(await redis.pid())).not.toBe('T');
    await expect(patient.mget('before', 'during')).resolves.toEqual(['1', '2']);
  });

  it('restart() of a frozen server thaws it first and follows the new process', async () => {
    const before = await redis.pid();
    await redis.freeze();
    await redis.restart();
    expect(redis.frozen).toBe(false);
    const after = await redis.pid();
    expect(after).not.toBe(before);
    await redis.freeze();
    expect(stateOf(after)).toBe('T');
    await redis.thaw();
    await expect(client().ping()).resolves.toBe('PONG');
  });
});
