import { ConfigValidationError } from '../config/config.errors.js';
import { loadConfig } from '../config/load-config.js';
import { rateLimitConfigSection } from '../rate-limit/rate-limit.config.js';
import { sessionsConfigSection } from '../auth/sessions/sessions.config.js';
import { redisConfigSection } from './redis.config.js';

/** The Redis section as a process loads it, with the capabilities that may need it (rate limits, sessions). */
const parse = (env: Record<string, string>) => {
  try {
    return { ok: true as const, value: loadConfig(env, [redisConfigSection, rateLimitConfigSection, sessionsConfigSection]).get(redisConfigSection) };
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    return { ok: false as const, problems: error.problems };
  }
};
const problems = (env: Record<string, string>) => {
  const r = parse(env);
  return r.ok ? [] : r.problems;
};

describe('redis config section', () => {
  it('is not in use (no connection) unless THROTTLE_STORE or AUTH_SESSION_STORE is redis', () => {
    const r = parse({});
    expect(r.ok && r.value.inUse).toBe(false);
    const sessionsOff = parse({ AUTH_SESSION_STORE: 'redis', AUTH_PROVIDER: 'none' });
    expect(sessionsOff.ok && sessionsOff.value.inUse).toBe(false);
  });

  it('names the missing variable when a capability needs Redis', () => {
    expect(problems({ THROTTLE_STORE: 'redis' })).toEqual(['REDIS_URL: or REDIS_HOST is required when THROTTLE_STORE=redis']);
    expect(problems({ AUTH_SESSION_STORE: 'redis', AUTH_PROVIDER: 'dev' })).toEqual(['REDIS_URL: or REDIS_HOST is required when AUTH_SESSION_STORE=redis']);
  });

  it('refuses bad values with the variable named', () => {
    expect(problems({ REDIS_URL: 'http://cache:6379' })).toEqual(['REDIS_URL: must be a redis:// or rediss:// URL']);
    expect(problems({ REDIS_URL: 'redis://a', REDIS_HOST: 'b' })[0]).toMatch(/^REDIS_URL: and REDIS_HOST are mutually exclusive/);
    expect(problems({ REDIS_AUTH: 'key' })[0]).toMatch(/^REDIS_AUTH: must be one of none, password, entra/);
    expect(problems({ REDIS_PORT: '0' })[0]).toMatch(/^REDIS_PORT: must be an integer/);
    expect(problems({ REDIS_URL: 'redis://:pw@cache:6379', REDIS_AUTH: 'entra' })[0]).toMatch(/^REDIS_URL: must not carry a password when REDIS_AUTH=entra/);
    expect(problems({ REDIS_USERNAME: 'u' })[0]).toMatch(/^REDIS_USERNAME: needs REDIS_AUTH/);
  });

  it('Azure defaults: port 10000, TLS on; a target to log that never carries a password', () => {
    const r = parse({ THROTTLE_STORE: 'redis', REDIS_HOST: 'ias.westeurope.redis.azure.net', REDIS_AUTH: 'entra' });
    if (!r.ok) throw new Error(r.problems.join());
    expect(r.value).toMatchObject({ port: 10000, tls: true, auth: 'entra', inUse: true, requiredForReadiness: false, keyPrefix: 'ias:' });
    expect(r.value.target).toBe('rediss://ias.westeurope.redis.azure.net:10000');
    const local = parse({ THROTTLE_STORE: 'redis', REDIS_URL: 'redis://:s3cret@127.0.0.1:6379' });
    if (!local.ok) throw new Error(local.problems.join());
    expect(local.value.tls).toBe(false);
    expect(local.value.target).toBe('redis://127.0.0.1:6379');
  });
});
