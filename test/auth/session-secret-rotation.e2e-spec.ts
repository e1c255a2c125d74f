import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CookieSealer } from '../../src/auth/sessions/cookie-sealer.js';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { KeyVaultDouble } from '../support/key-vault-double.js';
import { ManagedIdentityDouble } from '../support/managed-identity-double.js';
import { spawnEntry, type SpawnedProcess, stopAll } from '../support/processes.js';
import { CLIENT_ID, CLIENT_SECRET, HttpBrowser, freePort, login, startTestIdp } from './support/oidc-harness.js';

const COOKIE = 'app_session';
const V1 = 'rotation-test-session-secret-version-one-0001';
const V2 = 'rotation-test-session-secret-version-two-0002';

interface Instance {
  url: string;
  process: SpawnedProcess;
}

/** Where the session secret's versions live, and how the test rotates them. */
interface VersionStore {
  name: string;
  /** Environment that points an API process at the store. */
  env(): Promise<Record<string, string>>;
  /** A new newest version; the old one stays usable. */
  rotate(): void;
  /** The old version is gone: its cookies must stop opening. */
  dropOld(): void;
}

/**
 * Rotation without sign-outs, across two REAL API processes (dist/apps/api/main.js) sharing
 * sessions in one Azurite table: a user signed in before a rotation stays signed in on both,
 * cookies sealed after it (with the new version) open on both, and once the old version is dropped
 * the old cookies stop opening on both. Each process re-reads the versions itself
 * (AUTH_SESSION_SECRET_REFRESH_SECONDS=1) and says so in its log. Once with Key Vault (secret
 * versions, the real SecretClient with managed identity against the Key Vault double), once with the
 * local store's list (one version per line of a mounted file).
 */
describe('session-secret rotation across two API processes', () => {
  let azurite: AzuriteHandle;
  let identity: ManagedIdentityDouble;
  let vault: KeyVaultDouble;
  let idp: RunningDevIdp;
  let portA: number;
  let portB: number;
  const spawned: SpawnedProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'session-versions-'));

  beforeAll(async () => {
    [portA, portB] = [await freePort(), await freePort()];
    azurite = await startAzurite();
    identity = await new ManagedIdentityDouble().start();
    vault = await new KeyVaultDouble().start();
    idp = await startTestIdp([`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`]);
  }, 60_000);

  afterEach(() => stopAll(spawned), 30_000);

  afterAll(async () => {
    await idp?.close();
    await vault?.stop();
    await identity?.stop();
    await azurite?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const keyVault: VersionStore = {
    name: 'Key Vault (secret versions)',
    env: async () => {
      vault.setSecret('session-secret', V1);
      vault.secrets.set('third-party-api-key', 'unused');
      vault.secrets.set('oidc-client-secret', CLIENT_SECRET);
      return {
        ...(await identity.childProcessEnv()),
        SECRETS_PROVIDER: 'keyvault',
        KEY_VAULT_URL: vault.vaultUrl,
        KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'true',
        KEY_VAULT_RETRY_DELAY_MS: '20',
      };
    },
    rotate: () => void vault.setSecret('session-secret', V2),
    dropOld: () => vault.disableSecretVersion('session-secret', vault.secretVersions('session-secret')[0]!),
  };
  const file = join(dir, 'session-secret');
  const localList: VersionStore = {
    name: 'the local store (one version per line of SECRET_SESSION_SECRET_FILE)',
    env: async () => {
      writeFileSync(file, `${V1}\n`);
      return { SECRET_SESSION_SECRET_FILE: file, SECRET_THIRD_PARTY_API_KEY: 'unused', SECRET_OIDC_CLIENT_SECRET: CLIENT_SECRET };
    },
    rotate: () => writeFileSync(file, `${V2}\n${V1}\n`),
    dropOld: () => writeFileSync(file, `${V2}\n`),
  };

  const start = async (port: number, storeEnv: Record<string, string>, table: string): Promise<Instance> => {
    const child = spawnEntry('apps/api/main.js', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: String(port),
      HOST: '127.0.0.1',
      THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/api/RandomNumber',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AUTH_PROVIDER: 'dev',
      OIDC_ISSUER_URL: idp.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      AUTH_SESSION_TABLE: table,
      AUTH_SESSION_SECRET_REFRESH_SECONDS: '1',
      THROTTLE_LIMIT: '100000',
      ...storeEnv,
    });
    spawned.push(child);
    await child.waitFor(/API listening/, 30_000);
    return { url: `http://127.0.0.1:${port}`, process: child };
  };
  const me = (app: Instance, cookie: string) => fetch(`${app.url}/auth/me`, { headers: { cookie: `${COOKIE}=${cookie}` } }).then((r) => r.status);
  // The processes log JSON lines: quotes in a message arrive escaped.
  /** Keeps `app` busy until it logs `pattern`: the versions are re-read when a request needs them, at most once per refresh interval. */
  const untilLogged = async (app: Instance, pattern: RegExp, cookie: string) => {
    let logged = false;
    const waiting = app.process.waitFor(pattern, 20_000).then(() => (logged = true));
    while (!logged) {
      await me(app, cookie);
      await Promise.race([waiting, new Promise((resolve) => setTimeout(resolve, 250))]);
    }
  };
  const signIn = async (app: Instance): Promise<string> => {
    const browser = new HttpBrowser();
    await login(browser, app.url);
    const cookie = browser.cookies(app.url).get(COOKIE);
    if (!cookie) throw new Error('no session cookie after login');
    return cookie;
  };

  it.each([keyVault, localList])('$name: rotate, stay signed in on both; drop the old version, old cookies stop opening on both', async (store) => {
    const env = await store.env();
    const table = `rotation${store === keyVault ? 'kv' : 'local'}`;
    const [a, b] = await Promise.all([start(portA, env, table), start(portB, env, table)]);
    const before = await signIn(a);
    expect([await me(a, before), await me(b, before)]).toEqual([200, 200]);
    expect(new CookieSealer(V1, 'session').open(before)).toBeDefined();

    store.rotate();
    await Promise.all([a, b].map((app) => untilLogged(app, /Secret \\"session-secret\\" was rotated; sealing with the new version \(2 in use\)/, before)));
    expect([await me(a, before), await me(b, before)]).toEqual([200, 200]); // signed in before the rotation, still signed in
    const after = await signIn(b);
    expect(new CookieSealer(V2, 'session').open(after)).toBeDefined(); // sealed with the newest version
    expect(new CookieSealer(V1, 'session').open(after)).toBeUndefined();
    expect([await me(a, after), await me(b, after)]).toEqual([200, 200]);

    store.dropOld();
    await Promise.all([a, b].map((app) => untilLogged(app, /Secret \\"session-secret\\": 1 version\(s\) in use now/, after)));
    expect([await me(a, before), await me(b, before)]).toEqual([401, 401]);
    expect([await me(a, after), await me(b, after)]).toEqual([200, 200]);
    // Neither secret ever reaches a log line.
    for (const app of [a, b]) expect(app.process.output()).not.toMatch(new RegExp(`${V1}|${V2}`));
  }, 90_000);
});
