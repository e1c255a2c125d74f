import { CodeTable, type ActivationOutcome, type CodeIssuance, type ExpiryOutcome } from '../code-table/code-table.js';
import { CodeLifecycle, secondsUntil, type LifecycleResult } from './code-lifecycle.js';

const notUsed = (): Promise<never> => Promise.reject(new Error('not used'));

/** Records calls; the table's own rules are covered against Azurite in test/lifecycle. */
class RecordingTable extends CodeTable {
  readonly calls: string[] = [];
  activation: ActivationOutcome = 'activated';
  async activate(issuance: CodeIssuance): Promise<ActivationOutcome> {
    this.calls.push(`activate ${issuance.code} ${issuance.expiresAt.toISOString()}`);
    return this.activation;
  }
  async expire(issuance: CodeIssuance): Promise<ExpiryOutcome> {
    this.calls.push(`expire ${issuance.code}`);
    return 'deleted';
  }
  consume = notUsed;
  outstanding = notUsed;
  sweepExpired = notUsed;
  async isLive(): Promise<boolean> {
    throw new Error('not used');
  }
  insertIssued = notUsed;
  commitOwned = notUsed;
  revoke = notUsed;
  revokeOwned = notUsed;
  async ping(): Promise<void> {}
}

describe('CodeLifecycle', () => {
  const now = new Date('2026-11-24T10:00:00.000Z');
  let table: RecordingTable;
  let lifecycle: CodeLifecycle;
  const expiryOf = (result: LifecycleResult) =>
    result.expiry && { code: result.expiry.message.code, delaySeconds: result.expiry.delaySeconds, expiresAt: result.expiry.message.expiresAt.toISOString(), extra: result.expiry.message.extra };

  beforeEach(() => {
    table = new RecordingTable();
    lifecycle = new CodeLifecycle(table, 600);
  });

  it('activation stores expiresAt = issuedAt + TTL and schedules the expiry for the time left', async () => {
    const issuedAt = new Date('2026-11-24T09:59:00.500Z');
    const result = await lifecycle.handle({ phase: 'activate', code: 'abc-1-abc', issuedAt, priorDeliveries: 0, extra: { traceparent: 't' } }, now);
    expect(result.outcome).toBe('activated');
    expect(table.calls).toEqual(['activate abc-1-abc 2026-11-24T10:09:00.500Z']);
    expect(expiryOf(result)).toEqual({ code: 'abc-1-abc', delaySeconds: 541, expiresAt: '2026-11-24T10:09:00.500Z', extra: { traceparent: 't' } });
  });

  it.each(['already-active', 'already-used'] as const)('a duplicate (%s) schedules the expiry again: the first delivery may have died before sending it', async (outcome) => {
    table.activation = outcome;
    const result = await lifecycle.handle({ phase: 'activate', code: 'abc-1-abc', issuedAt: now, priorDeliveries: 0, extra: {} }, now);
    expect(result.outcome).toBe(outcome);
    expect(result.expiry).toBeDefined();
  });

  it('a superseded issuance schedules nothing', async () => {
    table.activation = 'superseded';
    expect(await lifecycle.handle({ phase: 'activate', code: 'abc-1-abc', issuedAt: now, priorDeliveries: 0, extra: {} }, now)).toEqual({ outcome: 'superseded' });
  });

  it('an activation past its TTL touches nothing', async () => {
    const issuedAt = new Date(now.getTime() - 600_000);
    expect(await lifecycle.handle({ phase: 'activate', code: 'abc-1-abc', issuedAt, priorDeliveries: 0, extra: {} }, now)).toEqual({ outcome: 'expired-on-arrival' });
    expect(table.calls).toEqual([]);
  });

  it('an early expiry is rescheduled, a due one deletes', async () => {
    const issuedAt = new Date(now.getTime() - 1000);
    const early = { phase: 'expire' as const, code: 'abc-1-abc', issuedAt, expiresAt: new Date(now.getTime() + 1500), priorDeliveries: 0, extra: {} };
    const result = await lifecycle.handle(early, now);
    expect(result.outcome).toBe('rescheduled');
    expect(expiryOf(result)).toMatchObject({ delaySeconds: 2 });
    expect(table.calls).toEqual([]);
    expect(await lifecycle.handle({ ...early, expiresAt: now }, now)).toEqual({ outcome: 'deleted' });
    expect(table.calls).toEqual(['expire abc-1-abc']);
  });

  it('secondsUntil rounds up so an expiry never shows before expiresAt', () => {
    expect(secondsUntil(new Date(now.getTime() + 1), now)).toBe(1);
    expect(secondsUntil(new Date(now.getTime() - 5000), now)).toBe(0);
  });
});
