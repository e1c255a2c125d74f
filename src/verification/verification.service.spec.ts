import { CodeTable, sameOwner, type CodeIssuance, type CodeOwner, type CodePurpose, type ConsumeOutcome } from '../code-table/code-table.js';
import { CodeTableUnavailableError } from '../code-table/code-table.errors.js';
import { clockOf } from '../../test/support/clock.js';
import { MemoryAttemptBudget } from './memory-attempt-budget.js';
import { TooManyAttemptsError } from './verification.errors.js';
import { VerificationService } from './verification.service.js';

const notUsed = (): Promise<never> => Promise.reject(new Error('not used'));

interface Row extends CodeIssuance {
  state: 'valid' | 'used' | 'revoked';
}

/** Code rows in memory, with the table's verify rules (the real table is tested against Azurite). */
class MemoryTable extends CodeTable {
  readonly rows = new Map<string, Row>();
  readonly revoked: string[] = [];
  failNext = false;
  add(code: string, owner: CodeOwner | undefined, now: Date, purpose: CodePurpose = 'public'): void {
    this.rows.set(code, { code, issuedAt: now, expiresAt: new Date(now.getTime() + 600_000), ...(owner ? { owner } : {}), purpose, state: 'valid' });
  }
  async consume(code: string, now: Date, caller?: CodeOwner, purpose: CodePurpose = 'public'): Promise<ConsumeOutcome> {
    if (this.failNext) {
      this.failNext = false;
      throw new CodeTableUnavailableError('HTTP 503');
    }
    const row = this.rows.get(code);
    if (!row || row.purpose !== purpose) return 'no-match';
    const own = row.owner !== undefined && caller !== undefined && sameOwner(row.owner, caller);
    if (row.owner && !own) return 'no-match';
    if (row.state !== 'valid' || row.expiresAt <= now) return own ? 'own-spent' : 'no-match';
    row.state = 'used';
    return 'consumed';
  }
  async outstanding(owner: CodeOwner, now: Date, purpose?: CodePurpose): Promise<CodeIssuance[]> {
    return [...this.rows.values()].filter((r) => r.owner && sameOwner(r.owner, owner) && r.state === 'valid' && r.expiresAt > now && (!purpose || r.purpose === purpose));
  }
  async revoke(issuance: Pick<CodeIssuance, 'code'>): Promise<void> {
    const row = this.rows.get(issuance.code);
    if (row?.state === 'valid') {
      row.state = 'revoked';
      this.revoked.push(issuance.code);
    }
  }
  async revokeOwned(owner: CodeOwner, now: Date): Promise<number> {
    const mine = await this.outstanding(owner, now);
    for (const row of mine) await this.revoke(row);
    return mine.length;
  }
  activate = notUsed;
  insertIssued = notUsed;
  commitOwned = notUsed;
  expire = notUsed;
  isLive = notUsed;
  sweepExpired = notUsed;
  async ping() {}
}

describe('VerificationService budgets', () => {
  const now = Date.parse('2026-12-05T10:00:00.000Z');
  const clock = clockOf(() => now);
  const alice: CodeOwner = { subject: 'alice', issuer: 'https://idp.example' };
  const bob: CodeOwner = { subject: 'bob', issuer: 'https://idp.example' };
  let table: MemoryTable;
  let budget: MemoryAttemptBudget;
  const service = (limits = { maxAttempts: 3, attemptWindowMs: 600_000, maxChecksPerCode: 5 }) => new VerificationService(table, budget, limits, clock);
  const as = (owner?: CodeOwner) => ({ ...(owner ? { owner } : {}), client: '203.0.113.9' });

  beforeEach(() => {
    table = new MemoryTable();
    budget = new MemoryAttemptBudget();
  });

  it('anonymous callers have no budget: any number of wrong guesses is answered, and nothing is revoked', async () => {
    table.add('abc-1-abc', undefined, new Date(now));
    for (let i = 0; i < 50; i++) expect(await service().verify(`zzz-${i}-zzz`, as())).toBe(false);
    expect(budget.size).toBe(0);
    expect(await service().verify('abc-1-abc', as())).toBe(true);
  });

  it('a signed-in subject: the guess that fills the budget revokes its codes, then 429 with Retry-After; another subject is untouched', async () => {
    table.add('own-1-own', alice, new Date(now));
    table.add('bob-1-bob', bob, new Date(now));
    for (let i = 0; i < 3; i++) expect(await service().verify(`zzz-${i}-zzz`, as(alice))).toBe(false);
    expect(table.revoked).toEqual(['own-1-own']);
    const refused = await service().verify('own-1-own', as(alice)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TooManyAttemptsError);
    expect((refused as TooManyAttemptsError).retryAfterSeconds).toBe(600);
    expect(await service().verify('bob-1-bob', as(bob))).toBe(true);
  });

  it('a success gives back its own attempt only; a replay of one’s own spent code costs nothing', async () => {
    for (let i = 0; i < 2; i++) await service().verify(`zzz-${i}-zzz`, as(alice));
    table.add('own-1-own', alice, new Date(now));
    expect(await service().verify('own-1-own', as(alice))).toBe(true);
    for (let i = 0; i < 5; i++) expect(await service().verify('own-1-own', as(alice))).toBe(false);
    expect(await service().verify('zzz-9-zzz', as(alice))).toBe(false);
    await expect(service().verify('zzz-10-zzz', as(alice))).rejects.toBeInstanceOf(TooManyAttemptsError);
  });

  it('an evaluation that fails (storage down) gives its attempt back', async () => {
    table.failNext = true;
    await expect(service().verify('zzz-0-zzz', as(alice))).rejects.toBeInstanceOf(CodeTableUnavailableError);
    for (let i = 0; i < 3; i++) expect(await service().verify(`zzz-${i}-zzz`, as(alice))).toBe(false);
  });

  it('per code: the 5th wrong check revokes the outstanding code, with subject budget to spare; a new code has its own checks', async () => {
    table.add('own-1-own', alice, new Date(now));
    const roomy = service({ maxAttempts: 100, attemptWindowMs: 600_000, maxChecksPerCode: 5 });
    for (let i = 0; i < 4; i++) await roomy.verify(`zzz-${i}-zzz`, as(alice));
    expect(table.revoked).toEqual([]);
    await roomy.verify('zzz-4-zzz', as(alice));
    expect(table.revoked).toEqual(['own-1-own']);
    expect(await roomy.verify('own-1-own', as(alice))).toBe(false);
    table.add('own-2-own', alice, new Date(now));
    expect(await roomy.verify('own-2-own', as(alice))).toBe(true);
  });

  it('another subject’s bound code is a wrong guess for the caller, and leaves the owner’s code alone', async () => {
    table.add('bob-1-bob', bob, new Date(now));
    for (let i = 0; i < 3; i++) expect(await service().verify('bob-1-bob', as(alice))).toBe(false);
    await expect(service().verify('bob-1-bob', as(alice))).rejects.toBeInstanceOf(TooManyAttemptsError);
    expect(await service().verify('bob-1-bob', as(bob))).toBe(true);
  });

  it('a step-up check spends the checks of the subject’s step-up codes only, and says when a code ran out of them (the page: send a new one)', async () => {
    table.add('own-1-own', alice, new Date(now));
    table.add('12345678', alice, new Date(now), 'step-up');
    const roomy = service({ maxAttempts: 100, attemptWindowMs: 600_000, maxChecksPerCode: 5 });
    for (let i = 0; i < 4; i++) expect(await roomy.check('00000000', alice, 'step-up')).toEqual({ outcome: 'no-match', outOfChecks: 0 });
    expect(await roomy.check('00000000', alice, 'step-up')).toEqual({ outcome: 'no-match', outOfChecks: 1 });
    expect(table.revoked).toEqual(['12345678']);
    // The right code, now revoked: its owner's replay, with the code out of checks.
    expect(await roomy.check('12345678', alice, 'step-up')).toMatchObject({ outcome: 'own-spent' });
    // The getcode code kept all its checks, and a code of the other purpose never verifies here.
    expect(await roomy.check('own-1-own', alice, 'step-up')).toMatchObject({ outcome: 'no-match' });
    expect(await roomy.verify('own-1-own', as(alice))).toBe(true);
  });
});
