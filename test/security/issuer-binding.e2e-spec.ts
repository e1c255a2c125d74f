import { IssuerDouble } from '../auth/support/issuer-double.js';
import { freePort, startAuthApp, type AuthApp } from '../auth/support/oidc-harness.js';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { getcodeEnv } from '../support/app.js';

const CLIENT = 'integrated-auth-app';
const TENANT_A = '11111111-1111-1111-1111-111111111111';
const TENANT_B = '22222222-2222-2222-2222-222222222222';

/**
 * Finding 8 (issue 17): a subject is unique only per issuer. With an Entra multi-tenant app two
 * tenants may each have a user with the same `sub`; codes and attempt budgets are bound to issuer
 * and subject, so neither can verify, nor lock out, the other's codes.
 */
describe('codes and budgets are bound to issuer + subject (Entra multi-tenant, same sub in two tenants)', () => {
  let entra: IssuerDouble;
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  let app: AuthApp;

  beforeAll(async () => {
    [entra, azurite, numbers] = await Promise.all([new IssuerDouble().start(), startAzurite(), new NumberApiDouble().start()]);
    entra.publish(`${entra.origin}/organizations/v2.0`, `${entra.origin}/{tenantid}/v2.0`);
    app = await startAuthApp(await freePort(), {
      AUTH_PROVIDER: 'entra',
      ENTRA_TENANT_ID: 'organizations',
      ENTRA_AUTHORITY_HOST: entra.origin,
      ENTRA_ALLOWED_TENANTS: `${TENANT_A},${TENANT_B}`,
      AUTH_SESSION_STORE: 'memory',
      ...getcodeEnv(azurite, numbers),
      VERIFY_THROTTLE_LIMIT: '100000',
      VERIFY_MAX_ATTEMPTS: '2',
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([entra?.stop(), numbers?.stop(), azurite?.stop()]);
  });

  /** An access token for the app's API from `tenant`, always for the subject `same-sub`. */
  const bearer = async (tenant: string) =>
    `Bearer ${await entra.sign({ iss: `${entra.origin}/${tenant}/v2.0`, aud: `api://${CLIENT}`, scp: 'access_as_user', sub: 'same-sub', oid: `oid-${tenant}`, tid: tenant })}`;
  const getcode = async (tenant: string) => ((await (await fetch(`${app.url}/api/v1/getcode`, { headers: { authorization: await bearer(tenant) } })).json()) as { code: string }).code;
  const verify = async (tenant: string, code: string) => {
    const res = await fetch(`${app.url}/api/v1/verifycode`, { method: 'POST', headers: { authorization: await bearer(tenant), 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    return res.status === 200 ? ((await res.json()) as { valid: boolean }).valid : res.status;
  };

  it('tenant B’s user with the same sub cannot verify tenant A’s code; A can', async () => {
    const code = await getcode(TENANT_A);
    expect(await verify(TENANT_B, code)).toBe(false);
    expect(await verify(TENANT_A, code)).toBe(true);
  });

  it('tenant B’s user spending its budget does not lock out tenant A’s user, nor revoke A’s code', async () => {
    const code = await getcode(TENANT_A);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await verify(TENANT_B, `zzz-${i}-zzz`));
    expect(answers).toContain(429);
    expect(await verify(TENANT_A, code)).toBe(true);
  });
});
