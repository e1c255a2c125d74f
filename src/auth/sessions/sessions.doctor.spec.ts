import { HttpConfig, httpConfigSection } from '../../config/http.config.js';
import { RuntimeConfig, runtimeConfigSection } from '../../config/runtime.config.js';
import { loadConfig } from '../../config/load-config.js';
import { SessionsConfig, sessionsConfigSection } from './sessions.config.js';
import { SessionsDoctor } from './sessions.doctor.js';

const doctorFor = (env: Record<string, string>) => {
  const config = loadConfig({ AUTH_PROVIDER: 'dev', OIDC_CLIENT_ID: 'app', AUTH_SESSION_STORE: 'memory', ...env }, [sessionsConfigSection, runtimeConfigSection, httpConfigSection]);
  return new SessionsDoctor(config.get(sessionsConfigSection) as SessionsConfig, config.get(runtimeConfigSection) as RuntimeConfig, config.get(httpConfigSection) as HttpConfig);
};

describe('SessionsDoctor: PUBLIC_BASE_URL against TRUST_PROXY and the cookie', () => {
  it.each([
    [{ PUBLIC_BASE_URL: 'http://localhost:3000' }, 'ok', undefined],
    [{ PUBLIC_BASE_URL: 'https://app.example.com', TRUST_PROXY: '1' }, 'ok', undefined],
    [{ PUBLIC_BASE_URL: 'https://app.example.com' }, 'warn', 'TRUST_PROXY'],
    [{ PUBLIC_BASE_URL: 'https://app.example.com', TRUST_PROXY: '1', AUTH_COOKIE_SECURE: 'false', AUTH_COOKIE_NAME: 'sid' }, 'warn', 'AUTH_COOKIE_SECURE'],
    [{ PUBLIC_BASE_URL: 'http://localhost:3000', AUTH_COOKIE_SECURE: 'true' }, 'fail', 'PUBLIC_BASE_URL, AUTH_COOKIE_SECURE'],
    [{ PUBLIC_BASE_URL: 'http://10.0.0.5:3000' }, 'warn', 'PUBLIC_BASE_URL'],
    [{ PUBLIC_BASE_URL: 'http://localhost:3000/app' }, 'warn', 'PUBLIC_BASE_URL'],
  ])('%j → %s (%s)', (env, status, variable) => {
    const result = doctorFor(env).consistency();
    expect(result.status).toBe(status);
    expect(result.variable).toBe(variable);
  });

  it('production over plain http never reaches this check: the configuration refuses it first, naming PUBLIC_BASE_URL (the doctor reports that as a configuration failure)', () => {
    expect(() => doctorFor({ PUBLIC_BASE_URL: 'http://app.example.com', NODE_ENV: 'production' })).toThrow(/PUBLIC_BASE_URL: must be https when NODE_ENV=production/);
  });

  it('contributes no check when sign-in is off (no cookie to set)', () => {
    const config = loadConfig({ PUBLIC_BASE_URL: 'http://localhost:3000' }, [sessionsConfigSection, runtimeConfigSection]);
    expect(new SessionsDoctor(config.get(sessionsConfigSection) as SessionsConfig, config.get(runtimeConfigSection) as RuntimeConfig).checks()).toEqual([]);
  });
});
