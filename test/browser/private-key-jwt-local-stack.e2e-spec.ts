import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { printClientJwks } from '../../src/apps/doctor/doctor.runner.js';
import { DEMO_USER } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { localStackEnvironment } from '../../src/dev/local-stack/local-stack.parts.js';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { freePort } from '../support/ports.js';
import { spawnEntry, type SpawnedProcess } from '../support/processes.js';
import { describeWithChromium } from './support/chromium.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'browser-private-key-jwt');
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-sync'];

/**
 * `AUTH_CLIENT_AUTH=private_key_jwt npm start`, part by part: the environment npm start gives its
 * parts (localStackEnvironment, on free ports), the real dev IdP and API processes, and headless
 * Chromium logging in. No client secret exists anywhere: the app signs with a local key it
 * generated, serves the public half at /.well-known/jwks.json, and the dev IdP registers the
 * client with that JWKS URL. Then `npm run doctor` is green against the running stack.
 */
describeWithChromium('browser: the local stack with AUTH_CLIENT_AUTH=private_key_jwt', (chromiumPath) => {
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  let dir: string;
  let env: Record<string, string>;
  let idp: SpawnedProcess;
  let api: SpawnedProcess;
  let browser: Browser;
  let page: Page;
  let apiUrl: string;
  let idpUrl: string;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    [azurite, numbers] = await Promise.all([startAzurite(), new NumberApiDouble().start()]);
    dir = await mkdtemp(join(tmpdir(), 'local-stack-key-'));
    const [apiPort, idpPort] = [await freePort(), await freePort()];
    apiUrl = `http://localhost:${apiPort}`;
    idpUrl = `http://localhost:${idpPort}`;
    // What `AUTH_CLIENT_AUTH=private_key_jwt npm start` hands its parts, on this test's ports.
    const developer = {
      AUTH_CLIENT_AUTH: 'private_key_jwt',
      PORT: String(apiPort),
      PUBLIC_BASE_URL: apiUrl,
      DEV_IDP_PORT: String(idpPort),
      OIDC_ISSUER_URL: idpUrl,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      THIRD_PARTY_API_ENDPOINT: numbers.url,
      SECRET_THIRD_PARTY_API_KEY: numbers.validKey,
      // Of the stack, only the dev IdP and the API run here: no MailDev for step-up codes.
      CODE_DELIVERY: 'response',
    };
    env = Object.fromEntries(
      Object.entries({ ...localStackEnvironment(developer, join(dir, 'oidc-client-key.json')), LOG_FORMAT: 'json', LOG_LEVEL: 'debug', LOG_FLUSH_MS: '0' }).filter((e): e is [string, string] => e[1] !== undefined),
    );
    idp = spawnEntry('dev/dev-idp/main.js', env);
    await idp.waitFor(/Dev IdP listening .*authenticates with private_key_jwt/);
    api = spawnEntry('apps/api/main.js', env);
    await api.waitFor(/API listening/, 30_000);
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
    page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    for (const child of [api, idp]) {
      child?.kill('SIGTERM');
      await child?.exited();
    }
    await numbers?.stop();
    await azurite?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('has no client secret anywhere: not in the environment of any part', () => {
    expect(Object.keys(env).filter((name) => /CLIENT_SECRET/.test(name) && name !== 'SECRET_TINIAPP_CLIENT_SECRET')).toEqual([]);
    expect(env.SECRET_OIDC_CLIENT_KEY_FILE).toBe(join(dir, 'oidc-client-key.json'));
  });

  it('a real browser logs in: home → Log in → dev IdP form → home with the name → profile', async () => {
    let shot = 0;
    const screenshot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
    await page.goto(`${apiUrl}/`);
    await page.click('#login');
    await page.waitForURL((u) => u.href.startsWith(`${idpUrl}/interaction/`));
    await screenshot('idp-login-form');
    await page.fill('#username', DEMO_USER.username);
    await page.fill('#password', DEMO_USER.password);
    await page.click('#sign-in');
    await page.waitForURL(`${apiUrl}/`);
    expect((await page.textContent('#user-name'))?.trim()).toBe(DEMO_USER.name);
    await screenshot('home-signed-in');
    await page.goto(`${apiUrl}/profile`);
    expect((await page.textContent('#profile-name'))?.trim()).toBe(DEMO_USER.name);
    await screenshot('profile');
    // The code grant authenticated with an assertion the IdP checked against the served JWKS; none is ever logged.
    expect(api.output()).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
  }, 60_000);

  it('the JWKS is served for the IdP and printed for registering by hand (the same public key, no private part)', async () => {
    const served = (await (await fetch(`${apiUrl}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, string>> };
    const lines: string[] = [];
    expect(await printClientJwks(env, (line) => lines.push(line))).toBe(0);
    expect(JSON.parse(lines.join('\n'))).toEqual(served);
    expect(served.keys).toHaveLength(1);
    expect(served.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    expect(served.keys[0]!.d).toBeUndefined();
  });

  it('npm run doctor is green against the running stack', async () => {
    const doctor = spawnEntry('dev/local-stack/doctor.js', env);
    const { code } = await doctor.exited();
    const report = doctor.output();
    expect(report).not.toMatch(/^FAIL/m);
    expect(code).toBe(0);
    expect(report).toMatch(/^ok\s+idp\.client-auth-method\s+the IdP offers private_key_jwt/m);
    expect(report).toMatch(/^ok\s+idp\.client-credentials\s+the IdP authenticated the client \(AUTH_CLIENT_AUTH=private_key_jwt\)/m);
    expect(report).toMatch(/^ok\s+client-auth\.signing-key\s+local key "oidc-client-key" signs/m);
    expect(report).toMatch(/^ok\s+idp\.redirect-uri\s/m);
  }, 60_000);
});
