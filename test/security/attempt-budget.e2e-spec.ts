import fc from 'fast-check';
import { odata, TableClient } from '@azure/data-tables';
import { BUDGET_STORES, getcode, SecurityParts, verify, wrongCode, type Client, type VerifyAnswer } from './security-harness.js';

const isRefusal = (a: VerifyAnswer) => typeof a === 'object' && a.status === 429 && a.error === 'TOO_MANY_ATTEMPTS';

/**
 * The attempt budget of signed-in callers (issue 17, findings 2 and 3, and the per-code limit),
 * against two real API processes sharing Azurite and a real redis-server, for each store the
 * budget can be kept in (VERIFY_ATTEMPT_STORE=table | redis).
 */
describe.each(BUDGET_STORES)('attempt budget in %s, two API processes', (store) => {
  const BUDGET = 3;
  let parts: SecurityParts;
  let apis: string[];
  /** Processes with a budget larger than the per-code limit (5 checks), to see that limit alone. */
  let roomy: string[];
  let n = 0;
  const client = async (): Promise<Client> => ({ address: `198.51.100.${(++n % 250) + 1}`, token: await parts.token() });

  beforeAll(async () => {
    parts = await new SecurityParts().start();
    const env = parts.env(store, { VERIFY_MAX_ATTEMPTS: String(BUDGET), VERIFY_THROTTLE_LIMIT: '1000000', CODE_TTL_SECONDS: '600' });
    apis = await parts.spawnApis(2, env);
    roomy = await parts.spawnApis(2, { ...env, VERIFY_MAX_ATTEMPTS: '50' });
  }, 120_000);

  afterAll(async () => {
    await parts?.stop();
  }, 60_000);

  it('finding 2: verifying its own code gives nothing back: 12 wrong guesses in 6 rounds (own code, 2 wrong, verify own) → only 3 evaluated, then 429', async () => {
    const me = await client();
    const answers: VerifyAnswer[] = [];
    for (let round = 0; round < 6; round++) {
      const api = apis[round % 2]!;
      let own: string | undefined;
      try {
        own = await getcode(api, me);
      } catch {
        // Locked subjects may still get codes; a refused issuance would only make this stricter.
      }
      answers.push(await verify(api, me, wrongCode(2 * round)));
      answers.push(await verify(apis[(round + 1) % 2]!, me, wrongCode(2 * round + 1)));
      if (own) await verify(api, me, own);
    }
    const evaluatedWrong = answers.filter((a) => a === false).length;
    expect(evaluatedWrong).toBe(BUDGET);
    expect(answers.slice(BUDGET).every(isRefusal)).toBe(true);
    const refused = answers.at(-1) as { retryAfter: number };
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('finding 3: 15 concurrent wrong guesses over both processes with a budget of 3: exactly 3 evaluated, 12 refused, then locked', async () => {
    const me = await client();
    const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => verify(apis[i % 2]!, me, wrongCode(i))));
    expect(answers.filter((a) => a === false)).toHaveLength(BUDGET);
    expect(answers.filter(isRefusal)).toHaveLength(15 - BUDGET);
    expect(isRefusal(await verify(apis[0]!, me, wrongCode(99)))).toBe(true);
  }, 60_000);

  it('finding 3, invariant: for any number of concurrent guesses spread over the processes in any way, at most the budget is evaluated', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), async (onFirst) => {
        const me = await client();
        const answers = await Promise.all(onFirst.map((first, i) => verify(apis[first ? 0 : 1]!, me, wrongCode(i))));
        const evaluated = answers.filter((a) => a === false).length;
        expect(evaluated).toBe(Math.min(onFirst.length, BUDGET));
        expect(answers.filter(isRefusal)).toHaveLength(onFirst.length - evaluated);
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it('the subject’s own code is revoked when its budget is spent, and other subjects behind the same address are untouched', async () => {
    const me = await client();
    const neighbour: Client = { address: me.address, token: await parts.token() };
    const mine = await getcode(apis[0]!, me);
    const theirs = await getcode(apis[1]!, neighbour);
    for (let i = 0; i < BUDGET; i++) expect(await verify(apis[i % 2]!, me, wrongCode(i))).toBe(false);
    expect(isRefusal(await verify(apis[0]!, me, mine))).toBe(true);
    expect(await verify(apis[1]!, neighbour, theirs)).toBe(true);
  }, 60_000);

  it('per code: 5 wrong checks against a bound code revoke it, even with subject budget to spare', async () => {
    const me = await client();
    const code = await getcode(roomy[0]!, me);
    for (let i = 0; i < 5; i++) expect(await verify(roomy[i % 2]!, me, wrongCode(i))).toBe(false);
    expect(await verify(roomy[1]!, me, code)).toBe(false);
    // A new code has its own 5 checks.
    const next = await getcode(roomy[1]!, me);
    expect(await verify(roomy[0]!, me, next)).toBe(true);
  }, 60_000);

  it('re-verifying one’s own used code is not a guess: 10 replays cost nothing', async () => {
    const me = await client();
    const code = await getcode(apis[0]!, me);
    expect(await verify(apis[0]!, me, code)).toBe(true);
    for (let i = 0; i < 10; i++) expect(await verify(apis[i % 2]!, me, code)).toBe(false);
    expect(await verify(apis[1]!, me, await getcode(apis[1]!, me))).toBe(true);
  }, 60_000);

  it('the budgets live where VERIFY_ATTEMPT_STORE says, and nowhere else', async () => {
    const me = await client();
    await getcode(apis[0]!, me);
    expect(await verify(apis[1]!, me, wrongCode(0))).toBe(false);
    const table = TableClient.fromConnectionString(parts.azurite.connectionString, 'validcodes', { allowInsecureConnection: true });
    let budgetRows = 0;
    for await (const _ of table.listEntities({ queryOptions: { filter: odata`PartitionKey ge 'attempts~' and PartitionKey lt 'attempts~~'` } })) budgetRows++;
    const redisKeys = await parts.redis.admin().keys('ias:budget:*');
    if (store === 'table') expect({ tableRows: budgetRows > 0, redisKeys: redisKeys.length }).toEqual({ tableRows: true, redisKeys: 0 });
    else expect({ tableRows: budgetRows, redisKeys: redisKeys.length > 0 }).toEqual({ tableRows: 0, redisKeys: true });
    // Every Redis key has a lifetime (the end of its window).
    for (const key of redisKeys) expect(await parts.redis.admin().pttl(key)).toBeGreaterThan(0);
  });
});
