import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { createApp } from '../../src/apps/api/app.factory.js';
import { TEST_LOG_LEVEL } from '../support/app.js';
import { AZURITE_KEY } from '../support/azurite.js';
import { SESSION_SECRET, freePort, startAuthApp, startTestIdp, type AuthApp } from './support/oidc-harness.js';
import { startHttpsFront, type HttpsFront } from './support/https-front.js';
import type { AddressInfo } from 'node:net';

const METRICS_TOKEN = 'metrics-scrape-token-for-tests-0123456789';

/** Issue 9, finding 8: what production refuses, and what readiness tells whom. */
describe('production refusals and readiness', () => {
  let idp: RunningDevIdp;
  let idpFront: HttpsFront;
  let weak: AuthApp;
  let strong: AuthApp;

  /** NODE_ENV=production the way a deployment sets it: https for the public base URL and the issuer (through a TLS front). */
  const production = (sessionSecret: string, port = 443) => ({
    NODE_ENV: 'production',
    PUBLIC_BASE_URL: `https://127.0.0.1:${port}`,
    AUTH_PROVIDER: 'oidc',
    OIDC_ISSUER_URL: idp.issuer,
    AUTH_SESSION_STORE: 'memory',
    SECRET_SESSION_SECRET: sessionSecret,
    METRICS_ENABLED: 'true',
    METRICS_AUTH: 'token',
    SECRET_METRICS_SCRAPE_TOKEN: METRICS_TOKEN,
  });

  beforeAll(async () => {
    const [weakPort, strongPort, frontPort] = [await freePort(), await freePort(), await freePort()];
    idp = await startTestIdp([`https://127.0.0.1:${weakPort}`, `https://127.0.0.1:${strongPort}`], { issuer: `https://127.0.0.1:${frontPort}` });
    idpFront = await startHttpsFront(frontPort, (idp.server.address() as AddressInfo).port);
    weak = await startAuthApp(weakPort, production('short-secret', weakPort));
    strong = await startAuthApp(strongPort, production(SESSION_SECRET, strongPort));
  });

  afterAll(async () => {
    await weak?.close();
    await strong?.close();
    await idpFront?.close();
    await idp?.close();
  });

  it('a session secret shorter than 32 bytes: logins refused with a clear error, readiness down, the secret never shown', async () => {
    const login = await fetch(`${weak.url}/auth/login`, { redirect: 'manual' });
    expect(login.status).toBe(503);
    const body = await login.text();
    expect(JSON.parse(body)).toEqual({ error: 'SECRET_UNUSABLE', message: expect.stringMatching(/"session-secret" cannot be used: shorter than 32 bytes/) });
    expect(body).not.toContain('short-secret');
    const ready = await fetch(`${weak.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { error: Record<string, unknown> }).error.secrets).toEqual({ status: 'down' });
  });

  it('a 32-byte secret is accepted: the login starts', async () => {
    expect((await fetch(`${strong.url}/auth/login`, { redirect: 'manual' })).status).toBe(302);
  });

  it('readiness names no secret and no reason to anonymous callers; the metrics token reads the details', async () => {
    const anonymous = await fetch(`${weak.url}/health/ready`);
    const text = await anonymous.text();
    expect(text).not.toMatch(/session-secret|shorter|missing|reason|local/);
    for (const part of Object.values((JSON.parse(text) as { details: Record<string, object> }).details)) expect(Object.keys(part)).toEqual(['status']);

    const wrongToken = await fetch(`${weak.url}/health/ready`, { headers: { authorization: 'Bearer not-the-token' } });
    expect(await wrongToken.text()).not.toContain('session-secret');

    const operator = await fetch(`${weak.url}/health/ready`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(operator.status).toBe(503);
    const details = (await operator.json()) as { error: { secrets: { missing: string[]; reason: string } } };
    expect(details.error.secrets.missing).toEqual(['session-secret']);
    expect(details.error.secrets.reason).toMatch(/shorter than 32 bytes/);
    expect(JSON.stringify(details)).not.toContain('short-secret');
  });

  it('/docs is off in production unless DOCS_ENABLED=true', async () => {
    expect((await fetch(`${strong.url}/docs-json`)).status).toBe(404);
    expect((await fetch(`${strong.url}/docs`)).status).toBe(404);
  });

  it('AUTH_COOKIE_SECURE=false is refused at boot in production, naming the variable', async () => {
    await expect(
      createApp({
        LOG_LEVEL: TEST_LOG_LEVEL,
        THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/api/RandomNumber',
        AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;`,
        OIDC_CLIENT_ID: 'app',
        ...production(SESSION_SECRET),
        PUBLIC_BASE_URL: 'https://app.example',
        AUTH_COOKIE_SECURE: 'false',
      }),
    ).rejects.toThrow(/AUTH_COOKIE_SECURE: false is refused when NODE_ENV=production/);
  });

  // Issue 17, finding 8: plain http is refused in production as AUTH_COOKIE_SECURE=false is.
  const bootInProduction = (extra: Record<string, string>) =>
    createApp({
      LOG_LEVEL: TEST_LOG_LEVEL,
      THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/api/RandomNumber',
      AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;`,
      NODE_ENV: 'production',
      AUTH_PROVIDER: 'oidc',
      OIDC_ISSUER_URL: 'https://idp.example',
      OIDC_CLIENT_ID: 'app',
      PUBLIC_BASE_URL: 'https://app.example',
      AUTH_SESSION_STORE: 'memory',
      SECRET_SESSION_SECRET: SESSION_SECRET,
      ...extra,
    });

  it('PUBLIC_BASE_URL=http://… is refused at boot in production, naming the variable', async () => {
    await expect(bootInProduction({ PUBLIC_BASE_URL: 'http://app.example' })).rejects.toThrow(/PUBLIC_BASE_URL: must be https when NODE_ENV=production/);
  });

  it('OIDC_ALLOW_HTTP=true is refused at boot in production, naming the variable', async () => {
    await expect(bootInProduction({ OIDC_ALLOW_HTTP: 'true' })).rejects.toThrow(/OIDC_ALLOW_HTTP: true is refused when NODE_ENV=production/);
  });
});
