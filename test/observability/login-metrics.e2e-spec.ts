import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { HttpBrowser, freePort, login, startAuthApp, startTestIdp, type AuthApp } from '../auth/support/oidc-harness.js';

function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Logins and failed logins are counted at /metrics, by outcome and provider. */
describe('login metrics (real in-process OIDC provider)', () => {
  let azurite: AzuriteHandle;
  let idp: RunningDevIdp;
  let app: AuthApp;

  beforeAll(async () => {
    const port = await freePort();
    azurite = await startAzurite();
    idp = await startTestIdp([`http://127.0.0.1:${port}`]);
    app = await startAuthApp(port, { AUTH_PROVIDER: 'dev', OIDC_ISSUER_URL: idp.issuer, AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await idp?.close();
    await azurite?.stop();
  });

  const metrics = async () => (await fetch(`${app.url}/metrics`)).text();

  it('counts a completed login as ok and a refused callback as a failure', async () => {
    const before = await metrics();
    const { res } = await login(new HttpBrowser(), app.url, '/');
    expect(res.status).toBeLessThan(500);
    const failed = await fetch(`${app.url}/auth/callback?error=access_denied&state=unknown-state`, { redirect: 'manual' });
    expect(failed.status).toBe(400);
    const after = await metrics();
    const delta = (outcome: string) => sample(after, 'auth_logins_total', { outcome, provider: 'dev' }) - sample(before, 'auth_logins_total', { outcome, provider: 'dev' });
    expect(delta('ok')).toBe(1);
    expect(delta('login_failed')).toBe(1);
  });
});
