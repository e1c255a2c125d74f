import fc from 'fast-check';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { getcodeEnv } from '../support/app.js';
import { IssuerDouble } from '../auth/support/issuer-double.js';
import { freePort, startAuthApp, type AuthApp } from '../auth/support/oidc-harness.js';

const CLIENT = 'integrated-auth-app';
/** Role names the policies and the tokens draw from (a `.`, `:` and `/` are legal in role names). */
const ROLES = ['codes-reader', 'admin', 'ops.team/x'] as const;
const GETCODE_AUTH = [undefined, 'none', 'user', ...ROLES.map((r) => `role:${r}`)] as const;
const DEFAULT_POLICY = ['public', 'user'] as const;

type Config = { getcodeAuth: (typeof GETCODE_AUTH)[number]; defaultPolicy: (typeof DEFAULT_POLICY)[number] };
/** Who calls: nobody signed in, a garbage token, or a valid Keycloak-shaped token with these roles (realm and client). */
type Caller = { kind: 'anonymous' } | { kind: 'garbage' } | { kind: 'token'; realm: string[]; client: string[] };
type Route = 'getcode' | 'panel';

/** The policy that must hold on every route that issues a code: GETCODE_AUTH, or, unset, the default policy. */
function effectivePolicy(config: Config): string {
  return config.getcodeAuth ?? (config.defaultPolicy === 'user' ? 'user' : 'none');
}

function mayIssue(config: Config, caller: Caller): boolean {
  const policy = effectivePolicy(config);
  if (policy === 'none') return true;
  if (caller.kind !== 'token') return false;
  if (policy === 'user') return true;
  const role = policy.slice('role:'.length);
  return caller.realm.includes(role) || caller.client.includes(role);
}

const codeOfPanel = (html: string) => /<output id="two-step-code">([^<]+)<\/output>/.exec(html)?.[1];

/**
 * Finding 1 (issue 17): GETCODE_AUTH is enforced by the codes capability, so every route that issues
 * a code (GET /api/v1/getcode and the home page's POST /two-step-code) gives the same answer for
 * every policy value (unset, none, user, role:<name>) under both AUTH_DEFAULT_POLICY values, for
 * anonymous callers, garbage tokens and signed-in callers with or without the role.
 */
describe('GETCODE_AUTH on every route that issues a code (routes × policies × callers)', () => {
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  let keycloak: IssuerDouble;
  let issuer: string;
  const apps = new Map<string, AuthApp>();
  let subjects = 0;

  const appFor = async (config: Config): Promise<AuthApp> => {
    const key = `${config.getcodeAuth ?? '-'}|${config.defaultPolicy}`;
    let app = apps.get(key);
    if (!app) {
      app = await startAuthApp(await freePort(), {
        AUTH_PROVIDER: 'keycloak',
        KEYCLOAK_URL: keycloak.origin,
        KEYCLOAK_REALM: 'demo',
        AUTH_SESSION_STORE: 'memory',
        ...getcodeEnv(azurite, numbers),
        VERIFY_THROTTLE_LIMIT: '100000',
        AUTH_DEFAULT_POLICY: config.defaultPolicy,
        ...(config.getcodeAuth ? { GETCODE_AUTH: config.getcodeAuth } : {}),
      });
      apps.set(key, app);
    }
    return app;
  };

  const authorization = async (caller: Caller): Promise<Record<string, string>> => {
    if (caller.kind === 'anonymous') return {};
    if (caller.kind === 'garbage') return { authorization: 'Bearer not-a-token' };
    const token = await keycloak.sign({
      iss: issuer,
      aud: ['integrated-auth-api'],
      typ: 'Bearer',
      azp: CLIENT,
      sub: `kc-user-${++subjects}`,
      realm_access: { roles: caller.realm },
      resource_access: { [CLIENT]: { roles: caller.client } },
    });
    return { authorization: `Bearer ${token}` };
  };

  /** Asks `route` for a code as `caller`: the status, and the code if one was handed out. */
  const ask = async (app: AuthApp, route: Route, caller: Caller): Promise<{ status: number; code?: string }> => {
    const headers = await authorization(caller);
    if (route === 'getcode') {
      const res = await fetch(`${app.url}/api/v1/getcode`, { headers });
      const body = (await res.json()) as { code?: string };
      return { status: res.status, ...(body.code ? { code: body.code } : {}) };
    }
    const res = await fetch(`${app.url}/two-step-code`, {
      method: 'POST',
      headers: { ...headers, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    const code = codeOfPanel(await res.text());
    return { status: res.status, ...(code ? { code } : {}) };
  };

  beforeAll(async () => {
    [azurite, numbers, keycloak] = await Promise.all([startAzurite(), new NumberApiDouble().start(), new IssuerDouble().start()]);
    issuer = `${keycloak.origin}/realms/demo`;
    keycloak.publish(issuer, issuer);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...apps.values()].map((app) => app.close()));
    await Promise.all([numbers?.stop(), keycloak?.stop(), azurite?.stop()]);
  }, 60_000);

  it('the review’s attack: with GETCODE_AUTH=user, an anonymous POST /two-step-code (a script sends Sec-Fetch-Site itself) gets no code', async () => {
    const app = await appFor({ getcodeAuth: 'user', defaultPolicy: 'public' });
    expect((await ask(app, 'getcode', { kind: 'anonymous' })).status).toBe(401);
    const before = numbers.requests;
    const panel = await ask(app, 'panel', { kind: 'anonymous' });
    expect(panel).toEqual({ status: 401 });
    // Refused before any work: no number API call, so no row and no queue message either.
    expect(numbers.requests).toBe(before);
  });

  it('a signed-in caller without the role gets no code from the panel either (GETCODE_AUTH=role:codes-reader)', async () => {
    const app = await appFor({ getcodeAuth: 'role:codes-reader', defaultPolicy: 'public' });
    const withoutRole: Caller = { kind: 'token', realm: ['user'], client: [] };
    expect(await ask(app, 'getcode', withoutRole)).toEqual({ status: 403 });
    expect(await ask(app, 'panel', withoutRole)).toEqual({ status: 403 });
    const withRole: Caller = { kind: 'token', realm: [], client: ['codes-reader'] };
    expect((await ask(app, 'panel', withRole)).code).toMatch(/^[A-Za-z]{3}-\d+-[A-Za-z]{3}$/);
  });

  it('invariant: for any policy, default policy, caller and route, a code is issued iff the policy allows the caller, and both routes agree', async () => {
    const caller: fc.Arbitrary<Caller> = fc.oneof(
      fc.constant<Caller>({ kind: 'anonymous' }),
      fc.constant<Caller>({ kind: 'garbage' }),
      fc.record({
        kind: fc.constant('token' as const),
        realm: fc.subarray(['user', ...ROLES]),
        client: fc.subarray([...ROLES]),
      }),
    );
    const config = fc.record({ getcodeAuth: fc.constantFrom(...GETCODE_AUTH), defaultPolicy: fc.constantFrom(...DEFAULT_POLICY) });
    await fc.assert(
      fc.asyncProperty(config, caller, async (config, caller) => {
        const app = await appFor(config);
        const answers = await Promise.all((['getcode', 'panel'] as const).map((route) => ask(app, route, caller)));
        for (const answer of answers) {
          if (mayIssue(config, caller)) {
            expect(answer.status).toBe(200);
            expect(answer.code).toMatch(/^[A-Za-z]{3}-\d+-[A-Za-z]{3}$/);
          } else {
            expect(answer.code).toBeUndefined();
            expect([401, 403]).toContain(answer.status);
          }
        }
        // The same refusal on both routes: 401 (who are you?) or 403 (not with that role).
        expect(answers[0]!.status).toBe(answers[1]!.status);
      }),
      { numRuns: 80 },
    );
  }, 240_000);
});
