import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createApp } from '../../src/apps/api/app.factory.js';
import { ConfigValidationError } from '../../src/config/config.errors.js';
import { freePort, startAuthApp, type AuthApp } from './support/oidc-harness.js';

describe('auth configuration modes', () => {
  it('start-up refuses AUTH_PROVIDER=dev with NODE_ENV=production, naming the variable', async () => {
    const attempt = createApp({
      LOG_LEVEL: 'silent',
      NODE_ENV: 'production',
      AUTH_PROVIDER: 'dev',
      PUBLIC_BASE_URL: 'https://app.example.com',
      OIDC_CLIENT_ID: 'app',
      THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/x',
      AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    });
    await expect(attempt).rejects.toBeInstanceOf(ConfigValidationError);
    await expect(attempt).rejects.toThrow(/AUTH_PROVIDER: dev is refused when NODE_ENV=production/);
  });

  it('the dev IdP entry (dist/dev/dev-idp/main.js, built by npm test) refuses NODE_ENV=production', () => {
    expect(existsSync('dist/dev/dev-idp/main.js')).toBe(true);
    const run = spawnSync(process.execPath, ['dist/dev/dev-idp/main.js'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', DEV_IDP_PORT: '0' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/NODE_ENV: the dev IdP refuses to run with NODE_ENV=production/);
  });

  describe('AUTH_PROVIDER=none (the default) keeps the sample’s behaviour', () => {
    let app: AuthApp;
    beforeAll(async () => {
      app = await startAuthApp(await freePort(), { PUBLIC_BASE_URL: undefined, OIDC_CLIENT_ID: undefined });
    });
    afterAll(() => app?.close());

    it('no login bar on the home page, /auth/login is 404 AUTH_DISABLED, pages are open', async () => {
      const home = await (await fetch(`${app.url}/`)).text();
      expect(home).not.toContain('Log in');
      expect(home).toContain('Home page of the main app');
      const login = await fetch(`${app.url}/auth/login`, { redirect: 'manual' });
      expect(login.status).toBe(404);
      expect(await login.json()).toMatchObject({ error: 'AUTH_DISABLED' });
    });

    it('routes that need a signed-in user answer 404 AUTH_DISABLED, not a 500 over a missing user', async () => {
      const me = await fetch(`${app.url}/auth/me`);
      expect(me.status).toBe(404);
      expect(await me.json()).toMatchObject({ error: 'AUTH_DISABLED' });
      const profile = await fetch(`${app.url}/profile`, { redirect: 'manual' });
      expect(profile.status).toBe(404);
      expect(profile.headers.get('content-type')).toMatch(/text\/html/);
    });
  });
});
