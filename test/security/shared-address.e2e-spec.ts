import { BUDGET_STORES, getcode, SecurityParts, verify, wrongCode, type Client, type VerifyAnswer } from './security-harness.js';

/** SECURITY_FIGURES=1 prints the measured figures (the closing note of issue 17 quotes them). */
const figure = (line: string) => {
  if (process.env.SECURITY_FIGURES === '1') process.stdout.write(`[figure] ${line}\n`);
};

/**
 * Finding 6 (issue 17): no client can use a limit against another. Many clients share one address
 * (a NAT, or a proxy when TRUST_PROXY is wrong); two real API processes, each store of the attempt
 * budget. Anonymous callers have no lockout at all (the per-address verify limit only slows the
 * address down); a signed-in caller's budget is its own; no one else's code is ever revoked.
 */
describe.each(BUDGET_STORES)('clients behind one address (budget in %s, two API processes)', (store) => {
  const SHARED = '203.0.113.50';
  let parts: SecurityParts;
  let apis: string[];
  let throttled: string[];

  beforeAll(async () => {
    parts = await new SecurityParts().start();
    // The load test's own rate limit is out of the way (as the review ran it); the budget keeps its defaults.
    apis = await parts.spawnApis(2, parts.env(store, { VERIFY_THROTTLE_LIMIT: '1000000' }));
    throttled = await parts.spawnApis(2, parts.env(store, { VERIFY_THROTTLE_LIMIT: '6', VERIFY_THROTTLE_TTL_SECONDS: '2', THROTTLE_STORE: 'redis', REDIS_URL: parts.redis.url }));
  }, 120_000);

  afterAll(async () => {
    await parts?.stop();
  }, 60_000);

  /** Each client: `rounds` times, its own code verified once (counted if true) and again after use. */
  const run = async (clients: Client[], rounds: number): Promise<{ firstTry: number; refused: number }> => {
    let firstTry = 0;
    let refused = 0;
    await Promise.all(
      clients.map(async (client, c) => {
        for (let round = 0; round < rounds; round++) {
          const api = apis[(c + round) % 2]!;
          const code = await getcode(api, client);
          const first = await verify(api, client, code);
          if (first === true) firstTry++;
          else if (typeof first === 'object' && first.status === 429) refused++;
          await verify(apis[(c + round + 1) % 2]!, client, code);
        }
      }),
    );
    return { firstTry, refused };
  };

  it('24 anonymous clients behind one address, each verifying its own code once and again after use: 600 of 600 verify on the first try', async () => {
    const clients = Array.from({ length: 24 }, (): Client => ({ address: SHARED }));
    const { firstTry, refused } = await run(clients, 25);
    figure(`finding 6, ${store}: ${firstTry} of 600 first-try verifies (${refused} refused with 429)`);
    expect({ firstTry, refused }).toEqual({ firstTry: 600, refused: 0 });
  }, 240_000);

  it('an attacker behind the same address, guessing anonymously and as its own subject all along, locks out only itself', async () => {
    const address = '203.0.113.51';
    const attacker: Client = { address, token: await parts.token() };
    const clients: Client[] = [
      ...Array.from({ length: 6 }, (): Client => ({ address })),
      ...(await Promise.all(Array.from({ length: 6 }, async (): Promise<Client> => ({ address, token: await parts.token() })))),
    ];
    let done = false;
    const attackerAnswers: VerifyAnswer[] = [];
    const attack = (async () => {
      for (let i = 0; !done; i++) {
        attackerAnswers.push(await verify(apis[i % 2]!, { address }, wrongCode(i)));
        attackerAnswers.push(await verify(apis[(i + 1) % 2]!, attacker, wrongCode(i)));
      }
    })();
    const outcome = await run(clients, 5).finally(() => (done = true));
    await attack;
    expect(outcome).toEqual({ firstTry: 60, refused: 0 });
    // The attacker's own subject is locked after its budget (5); its anonymous guesses never lock anyone.
    const signedIn = attackerAnswers.filter((_, i) => i % 2 === 1);
    expect(signedIn.filter((a) => a === false).length).toBeLessThanOrEqual(5);
    expect(attackerAnswers.filter((_, i) => i % 2 === 0).every((a) => a === false)).toBe(true);
  }, 240_000);

  it('the per-address verify limit slows the address down but revokes nothing: a client throttled by a neighbour verifies its code once the window passes', async () => {
    const address = '203.0.113.52';
    const neighbour: Client = { address };
    const victim: Client = { address, token: await parts.token() };
    const code = await getcode(throttled[0]!, victim);
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => verify(throttled[i % 2]!, neighbour, wrongCode(i))));
    expect(burst.some((a) => typeof a === 'object' && a.status === 429)).toBe(true);
    const slowed = await verify(throttled[1]!, victim, code);
    expect(slowed).toMatchObject({ status: 429 });
    await new Promise((resolve) => setTimeout(resolve, ((slowed as { retryAfter: number }).retryAfter || 2) * 1000 + 250));
    expect(await verify(throttled[1]!, victim, code)).toBe(true);
  }, 60_000);
});
