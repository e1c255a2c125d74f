import request from 'supertest';
import { startAzurite, type AzuriteHandle } from '../support/azurite.js';
import { NumberApiDouble } from '../support/number-api-double.js';
import { drainQueue } from '../support/queue.js';
import { HttpBrowser, freePort, startAuthApp, startTestIdp, type AuthApp } from '../auth/support/oidc-harness.js';
import type { RunningDevIdp } from '../../src/dev/dev-idp/dev-idp.server.js';
import { DEMO_USER, type DevIdpUser } from '../../src/dev/dev-idp/dev-idp.provider.js';
import { QUEUE, eventually, rowOf, startWatcher, storageEnv, type InProcessWatcher } from './lifecycle-support.js';

const user = (n: number, name: string): DevIdpUser => ({ ...DEMO_USER, sub: `user-000${n}`, username: name, password: `${name}-password`, name, email: `${name}@example.test` });
const OTHER_USER = user(2, 'olga');
/** Their own subjects: wrong guesses of one test must not count in another's budget. */
const LOCKED_USER = user(3, 'lena');
const RESET_USER = user(4, 'rita');
const CONCURRENT_USER = user(5, 'carl');

/**
 * Codes for two-factor use (issue 10), on real Azurite with the real dev IdP and sessions:
 * verifiable the moment getcode returns them (no watcher running), bound to the signed-in caller,
 * an attempt budget shared by replicas, and the resend rule.
 */
describe('two-factor codes', () => {
  const TTL = 8;
  let azurite: AzuriteHandle;
  let numbers: NumberApiDouble;
  let idp: RunningDevIdp;
  let a: AuthApp;
  let b: AuthApp;
  let two: AuthApp;
  let alice: HttpBrowser;
  let olga: HttpBrowser;
  let aliceOnTwo: HttpBrowser;
  let lena: HttpBrowser;
  let rita: HttpBrowser;
  let carl: HttpBrowser;
  let client = 0;
  /** Each test its own client address (TRUST_PROXY): the anonymous budget is per address. */
  let address = '';

  const env = (extra: Record<string, string> = {}) => ({
    ...storageEnv(azurite),
    THIRD_PARTY_API_ENDPOINT: numbers.url,
    SECRET_THIRD_PARTY_API_KEY: numbers.validKey,
    AUTH_PROVIDER: 'dev',
    OIDC_ISSUER_URL: idp.issuer,
    AUTH_SESSION_STORE: 'memory',
    CODE_TTL_SECONDS: String(TTL),
    VERIFY_THROTTLE_LIMIT: '100000',
    TRUST_PROXY: 'true',
    ...extra,
  });

  /** Logs `user` in on `app` through the dev IdP's form; the browser then holds the session cookie. */
  const signIn = async (app: AuthApp, user: DevIdpUser): Promise<HttpBrowser> => {
    const browser = new HttpBrowser();
    const { res, url } = await browser.follow(`${app.url}/auth/login?returnTo=%2F`);
    const done = await browser.submitLogin(url, await res.text(), user.username, user.password);
    expect(new URL(done.url).origin).toBe(new URL(app.url).origin);
    await done.res.body?.cancel();
    return browser;
  };
  const getcode = async (app: AuthApp, as?: HttpBrowser): Promise<{ code: string; timestamp: string }> => {
    if (!as) return (await request(app.url).get('/api/v1/getcode').set('x-forwarded-for', address).expect(200)).body;
    const res = await as.request(`${app.url}/api/v1/getcode`, { headers: { 'x-forwarded-for': address } });
    expect(res.status).toBe(200);
    return (await res.json()) as { code: string; timestamp: string };
  };
  /** The verify answer: true / false, or the 429 with its Retry-After. */
  const verifyAs = async (app: AuthApp, code: string, as?: HttpBrowser): Promise<boolean | { status: number; retryAfter: number; error: string }> => {
    const headers = { 'content-type': 'application/json', 'x-forwarded-for': address };
    const cookie = as ? [...as.cookies(new URL(app.url).origin)].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
    const answer = await fetch(`${app.url}/api/v1/verifycode`, {
      method: 'POST',
      headers: { ...headers, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ code }),
    });
    const body = (await answer.json()) as { valid?: boolean; error?: string };
    if (answer.status === 200) return body.valid!;
    return { status: answer.status, retryAfter: Number(answer.headers.get('retry-after')), error: body.error! };
  };

  beforeAll(async () => {
    [azurite, numbers] = await Promise.all([startAzurite(), new NumberApiDouble().start()]);
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    idp = await startTestIdp(ports.map((p) => `http://127.0.0.1:${p}`), { users: [DEMO_USER, OTHER_USER, LOCKED_USER, RESET_USER, CONCURRENT_USER] });
    a = await startAuthApp(ports[0]!, env());
    b = await startAuthApp(ports[1]!, env());
    two = await startAuthApp(ports[2]!, env({ CODE_MAX_OUTSTANDING: '2' }));
    alice = await signIn(a, DEMO_USER);
    olga = await signIn(a, OTHER_USER);
    aliceOnTwo = await signIn(two, DEMO_USER);
    lena = await signIn(a, LOCKED_USER);
    rita = await signIn(a, RESET_USER);
    carl = await signIn(a, CONCURRENT_USER);
  }, 90_000);

  beforeEach(() => {
    client++;
    address = `198.51.100.${client}`;
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), two?.close()]);
    await idp?.close();
    await numbers?.stop();
    await azurite?.stop();
  }, 60_000);

  describe('verifiable at issue', () => {
    it('with no watcher running, a code verifies true the moment getcode returns it; its row and its queue message are both there', async () => {
      await drainQueue(azurite.connectionString, QUEUE);
      const issued = await getcode(a);
      expect(await rowOf(azurite, issued.code)).toMatchObject({ state: 'valid', issuedAt: issued.timestamp, expiresAt: new Date(Date.parse(issued.timestamp) + TTL * 1000).toISOString() });
      expect((await drainQueue(azurite.connectionString, QUEUE)).map((body) => JSON.parse(body))).toEqual([issued]);
      expect(await verifyAs(b, issued.code)).toBe(true);
      expect(await verifyAs(a, issued.code)).toBe(false);
    });

    it('the watcher finds the row already holding the issuance (a no-op), and deletes it at expiry', async () => {
      const watcher: InProcessWatcher = await startWatcher(env());
      try {
        const issued = await getcode(a);
        await eventually('the watcher saw the activation', () => (watcher.stats.outcomes['already-active'] ?? 0) >= 1);
        expect(watcher.stats.outcomes.activated ?? 0).toBe(0);
        expect(await rowOf(azurite, issued.code)).toMatchObject({ state: 'valid', issuedAt: issued.timestamp });
        await eventually('the expiry deleted the row', async () => (await rowOf(azurite, issued.code)) === undefined, (TTL + 10) * 1000);
        expect(await verifyAs(a, issued.code)).toBe(false);
      } finally {
        await watcher.close();
      }
    }, (TTL + 20) * 1000);
  });

  describe('bound to the caller', () => {
    it('a code issued to a signed-in caller verifies only for the same subject; anonymous and other users get {"valid": false}', async () => {
      const issued = await getcode(a, alice);
      expect(await rowOf(azurite, issued.code)).toMatchObject({ state: 'valid', subject: DEMO_USER.sub });
      expect(await verifyAs(a, issued.code)).toBe(false);
      expect(await verifyAs(b, issued.code)).toBe(false);
      expect(await verifyAs(a, issued.code, olga)).toBe(false);
      expect(await rowOf(azurite, issued.code)).toMatchObject({ state: 'valid' });
      expect(await verifyAs(a, issued.code, alice)).toBe(true);
    });

    it('an unbound code (anonymous getcode) verifies for anyone, signed in or not, as before', async () => {
      expect(await verifyAs(a, (await getcode(a)).code, olga)).toBe(true);
      expect(await verifyAs(b, (await getcode(a)).code)).toBe(true);
    });
  });

  describe('resend', () => {
    it('CODE_MAX_OUTSTANDING=1 (default, replace): a second getcode of the same subject revokes the first code', async () => {
      const first = await getcode(a, alice);
      const second = await getcode(a, alice);
      expect(await rowOf(azurite, first.code)).toMatchObject({ state: 'revoked' });
      expect(await verifyAs(a, first.code, alice)).toBe(false);
      expect(await verifyAs(a, second.code, alice)).toBe(true);
    });

    it('another subject’s getcode does not revoke anything of the first subject', async () => {
      const mine = await getcode(a, alice);
      await getcode(a, olga);
      expect(await verifyAs(a, mine.code, alice)).toBe(true);
    });

    it('CODE_MAX_OUTSTANDING=2: the two newest codes stay valid, the third getcode revokes the oldest', async () => {
      const codes = [await getcode(two, aliceOnTwo), await getcode(two, aliceOnTwo), await getcode(two, aliceOnTwo)];
      expect(await verifyAs(two, codes[0]!.code, aliceOnTwo)).toBe(false);
      expect(await verifyAs(two, codes[2]!.code, aliceOnTwo)).toBe(true);
      expect(await verifyAs(two, codes[1]!.code, aliceOnTwo)).toBe(true);
    });
  });

  describe('attempt budget (VERIFY_MAX_ATTEMPTS=5)', () => {
    it('signed in: 5 wrong codes revoke the outstanding code and then 429 with Retry-After until the window ends', async () => {
      const issued = await getcode(a, lena);
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await verifyAs(a, `zzz-${i}-zzz`, lena));
      expect(answers).toEqual([false, false, false, false, false]);
      expect(await rowOf(azurite, issued.code)).toMatchObject({ state: 'revoked' });
      const refused = await verifyAs(a, issued.code, lena);
      expect(refused).toEqual({ status: 429, error: 'TOO_MANY_ATTEMPTS', retryAfter: expect.any(Number) });
      const { retryAfter } = refused as { retryAfter: number };
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(TTL);
      // The count is per subject: another client address does not help.
      address = '203.0.113.77';
      expect(await verifyAs(a, issued.code, lena)).toMatchObject({ status: 429 });
      // Other subjects are not affected.
      expect(await verifyAs(a, (await getcode(a, olga)).code, olga)).toBe(true);
      // After the window: verifies are answered again, the revoked code stays invalid, a new one works.
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 200));
      expect(await verifyAs(a, issued.code, lena)).toBe(false);
      expect(await verifyAs(a, (await getcode(a, lena)).code, lena)).toBe(true);
    }, (TTL + 20) * 1000);

    it('anonymous: no lockout (many clients share an address): 12 wrong guesses across replicas are all answered, and a code still verifies', async () => {
      const answers = [];
      for (let i = 0; i < 12; i++) answers.push(await verifyAs(i % 2 ? b : a, `yyy-${i}-yyy`));
      expect(answers).toEqual(Array(12).fill(false));
      expect(await verifyAs(b, (await getcode(a)).code)).toBe(true);
    });

    // (Sessions are per instance here, AUTH_SESSION_STORE=memory; test/security/attempt-budget spreads them over processes.)
    it('signed in, 20 concurrent wrong guesses: exactly the budget (5) is evaluated, the rest 429', async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => verifyAs(a, `vvv-${i}-vvv`, carl)));
      expect(answers.filter((x) => x === false)).toHaveLength(5);
      expect(answers.filter((x) => x !== false).every((x) => typeof x === 'object' && x.status === 429)).toBe(true);
      expect(await verifyAs(a, 'vvv-99-vvv', carl)).toMatchObject({ status: 429, error: 'TOO_MANY_ATTEMPTS' });
    });

    it('a successful verify gives back only its own attempt, never the wrong guesses before it', async () => {
      for (let i = 0; i < 4; i++) expect(await verifyAs(a, `xxx-${i}-xxx`, rita)).toBe(false);
      expect(await verifyAs(a, (await getcode(a, rita)).code, rita)).toBe(true);
      expect(await verifyAs(a, 'xxw-0-xxw', rita)).toBe(false);
      expect(await verifyAs(a, (await getcode(a, rita)).code, rita)).toMatchObject({ status: 429, error: 'TOO_MANY_ATTEMPTS' });
    });
  });
});
