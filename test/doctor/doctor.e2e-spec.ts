import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { startDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { devIdpClientFor } from '../../src/dev/dev-idp/dev-idp.config.js';
import { createCodeStorage, startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { KeyVaultDouble } from '../support/key-vault-double.js';
import { ManagedIdentityDouble } from '../support/managed-identity-double.js';
import { spawnEntry } from '../support/processes.js';
import { startRedis, type RedisServerHandle } from '../support/redis.js';
import { CLIENT_ID, CLIENT_SECRET, SESSION_SECRET, freePort, startTestIdp } from '../auth/support/oidc-harness.js';

interface DoctorRun {
  code: number | null;
  output: string;
  /** The report's line for `check`, e.g. `FAIL  idp.issuer  …`. */
  line(check: string): string;
}

/**
 * `npm run doctor`'s runner (dist/apps/doctor/main.js, the configuration from the environment) as
 * a process against real parts: Azurite, a real oidc-provider dev IdP, the Key Vault double,
 * redis-server. Green on a working configuration; each misconfiguration of the issue exits
 * non-zero with a line naming the problem and the variable.
 */
describe('npm run doctor', () => {
  let azurite: AzuriteHandle;
  let idp: RunningDevIdp;
  let basicOnlyIdp: RunningDevIdp;
  let identity: ManagedIdentityDouble;
  let vault: KeyVaultDouble;
  let redis: RedisServerHandle;
  let appPort: number;

  beforeAll(async () => {
    appPort = await freePort();
    azurite = await startAzurite();
    await createCodeStorage(azurite);
    idp = await startTestIdp([`http://127.0.0.1:${appPort}`]);
    // An IdP that offers client_secret_basic only (its discovery lists no client_secret_post).
    basicOnlyIdp = await startDevIdp({ clients: [devIdpClientFor(`http://127.0.0.1:${appPort}`, CLIENT_ID, CLIENT_SECRET)], clientAuthMethods: ['client_secret_basic', 'none'] });
    identity = await new ManagedIdentityDouble().start();
    vault = await new KeyVaultDouble().start();
    redis = await startRedis();
    await redis.admin().call('ACL', 'SETUSER', 'app', 'on', '>right-password', '~*', '&*', '+@all');
  }, 60_000);

  afterAll(async () => {
    await redis?.stop();
    await vault?.stop();
    await identity?.stop();
    await basicOnlyIdp?.close();
    await idp?.close();
    await azurite?.stop();
  });

  /** A configuration that works: the local stack's shape on the test's ports. */
  const green = (): Record<string, string> => ({
    NODE_ENV: 'development',
    THIRD_PARTY_API_ENDPOINT: 'http://127.0.0.1:9/api/RandomNumber',
    SECRET_THIRD_PARTY_API_KEY: 'key',
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    AUTH_PROVIDER: 'dev',
    OIDC_ISSUER_URL: idp.issuer,
    OIDC_CLIENT_ID: CLIENT_ID,
    SECRET_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    SECRET_SESSION_SECRET: SESSION_SECRET,
    PUBLIC_BASE_URL: `http://127.0.0.1:${appPort}`,
    AUTH_SESSION_STORE: 'memory',
  });

  const doctor = async (env: Record<string, string>): Promise<DoctorRun> => {
    const child = spawnEntry('apps/doctor/main.js', env);
    const { code } = await child.exited();
    const output = child.output();
    return {
      code,
      output,
      line: (check) => output.split('\n').find((l) => new RegExp(`^(ok|WARN|FAIL)\\s+${check.replace('.', '\\.')}\\s`).test(l)) ?? `(no line for ${check} in:\n${output})`,
    };
  };

  it('green on a working configuration: exit 0, one line per check, none failing', async () => {
    const run = await doctor(green());
    expect(run.output).not.toMatch(/^FAIL/m);
    expect(run.code).toBe(0);
    for (const name of [
      'config',
      'idp.discovery',
      'idp.issuer',
      'idp.client-auth-method',
      'idp.jwks',
      'idp.end-session',
      'idp.back-channel-logout',
      'idp.redirect-uri',
      'idp.client-credentials',
      'idp.clock',
      'queue',
      'queue.write',
      'code-table',
      'code-table.write',
      'secrets.third-party-api-key',
      'secrets.session-secret',
      'secrets.oidc-client-secret',
      'public-base-url',
    ]) {
      expect(run.line(name)).toMatch(/^ok\s/);
    }
    expect(run.output).toMatch(/\d+ checks: \d+ ok, 0 warn, 0 fail/);
    // Never a secret in the report.
    expect(run.output).not.toContain(CLIENT_SECRET);
    expect(run.output).not.toContain(SESSION_SECRET);
  }, 60_000);

  it('a redirect URI the IdP does not know (PUBLIC_BASE_URL on another port)', async () => {
    const run = await doctor({ ...green(), PUBLIC_BASE_URL: `http://127.0.0.1:${appPort + 1}` });
    expect(run.code).toBe(1);
    expect(run.line('idp.redirect-uri')).toMatch(/^FAIL\s+idp\.redirect-uri\s+the IdP refuses redirect_uri http:\/\/127\.0\.0\.1:\d+\/auth\/callback .*\| variable: PUBLIC_BASE_URL$/);
  }, 60_000);

  it('a wrong issuer', async () => {
    const wrong = idp.issuer.replace('127.0.0.1', 'localhost');
    const run = await doctor({ ...green(), OIDC_ISSUER_URL: wrong });
    expect(run.code).toBe(1);
    expect(run.line('idp.issuer')).toMatch(new RegExp(`^FAIL\\s+idp\\.issuer\\s+the IdP names issuer ${idp.issuer}, the configuration expects ${wrong} .*\\| variable: OIDC_ISSUER_URL$`));
  }, 60_000);

  it('a client method the IdP does not support', async () => {
    const run = await doctor({ ...green(), OIDC_ISSUER_URL: basicOnlyIdp.issuer, AUTH_CLIENT_AUTH: 'client_secret_post' });
    expect(run.code).toBe(1);
    expect(run.line('idp.client-auth-method')).toMatch(/^FAIL\s+idp\.client-auth-method\s+the IdP offers client_secret_basic, none; AUTH_CLIENT_AUTH=client_secret_post is not among them .*\| variable: AUTH_CLIENT_AUTH$/);
  }, 60_000);

  it('a missing queue (STORAGE_QUEUE_NAME)', async () => {
    const run = await doctor({ ...green(), STORAGE_QUEUE_NAME: 'no-such-queue' });
    expect(run.code).toBe(1);
    expect(run.line('queue')).toMatch(/^FAIL\s+queue\s+queue "no-such-queue" does not exist \| fix: create it .*QUEUE_CREATE_IF_MISSING=true.*\| variable: STORAGE_QUEUE_NAME$/);
    expect(run.line('queue.write')).toMatch(/^FAIL\s+queue\.write\s+queue "no-such-queue" does not exist/);
  }, 60_000);

  it('a missing code table (CODE_TABLE_NAME)', async () => {
    const run = await doctor({ ...green(), CODE_TABLE_NAME: 'nosuchtable' });
    expect(run.code).toBe(1);
    expect(run.line('code-table')).toMatch(/^FAIL\s+code-table\s+table "nosuchtable" does not exist \| fix: create it .*CODE_TABLE_CREATE_IF_MISSING=true.*\| variable: CODE_TABLE_NAME$/);
  }, 60_000);

  it('a missing Key Vault secret, named with the variable that names it', async () => {
    vault.secrets.set('third-party-api-key', 'key');
    vault.secrets.set('oidc-client-secret', CLIENT_SECRET);
    vault.secrets.delete('session-secret');
    const { SECRET_THIRD_PARTY_API_KEY: _a, SECRET_OIDC_CLIENT_SECRET: _b, SECRET_SESSION_SECRET: _c, ...rest } = green();
    const run = await doctor({
      ...rest,
      ...(await identity.childProcessEnv()),
      SECRETS_PROVIDER: 'keyvault',
      KEY_VAULT_URL: vault.vaultUrl,
      KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'true',
      KEY_VAULT_RETRY_DELAY_MS: '20',
    });
    expect(run.code).toBe(1);
    expect(run.line('secrets.session-secret')).toMatch(/^FAIL\s+secrets\.session-secret\s+"session-secret" is missing from Key Vault https:\/\/127\.0\.0\.1:\d+ \| fix: add it: az keyvault secret set .*\| variable: AUTH_SESSION_SECRET_NAME$/);
    expect(run.line('secrets.third-party-api-key')).toMatch(/^ok\s/);
  }, 60_000);

  it('Redis refusing AUTH', async () => {
    const run = await doctor({ ...green(), THROTTLE_STORE: 'redis', REDIS_URL: redis.url, REDIS_AUTH: 'password', REDIS_USERNAME: 'app', SECRET_REDIS_PASSWORD: 'wrong-password' });
    expect(run.code).toBe(1);
    expect(run.line('redis')).toMatch(/^FAIL\s+redis\s+redis:\/\/127\.0\.0\.1:\d+ refuses AUTH \(WRONGPASS\) .*\| variable: REDIS_PASSWORD_SECRET_NAME$/);
    expect(run.output).not.toContain('wrong-password');
    const right = await doctor({ ...green(), THROTTLE_STORE: 'redis', REDIS_URL: redis.url, REDIS_AUTH: 'password', REDIS_USERNAME: 'app', SECRET_REDIS_PASSWORD: 'right-password' });
    expect(right.line('redis')).toMatch(/^ok\s+redis\s+redis:\/\/127\.0\.0\.1:\d+ answers PING \(auth password/);
  }, 60_000);

  it('an invalid variable: one config line naming it, exit 1, nothing else started', async () => {
    const run = await doctor({ ...green(), AUTH_CLIENT_AUTH: 'mutual_tls' });
    expect(run.code).toBe(1);
    expect(run.line('config')).toMatch(/^FAIL\s+config\s+AUTH_CLIENT_AUTH: .*\| variable: AUTH_CLIENT_AUTH$/);
  }, 60_000);
});
