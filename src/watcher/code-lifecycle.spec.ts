import { CodeTable, type ActivationOutcome, type CodeIssuance, type ExpiryOutcome } from '../code-table/code-table.js';
import { CodeLifecycle, secondsUntil } from './code-lifecycle.js';

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
  async consume(): Promise<boolean> {
    throw new Error('not used');
  }
  async isLive(): Promise<boolean> {
    throw new Error('not used');
  }
  async ping(): Promise<void> {}
}

describe('CodeLifecycle', () => {
  const now = new Date('2026-11-24T10:00:00.000Z');
  let table: RecordingTable;
  let scheduled: Array<{ code: string; delaySeconds: number; expiresAt: string; extra: Record<string, unknown> }>;
  let lifecycle: CodeLifecycle;

  beforeEach(() => {
    table = new RecordingTable();
    scheduled = [];
    lifecycle = new CodeLifecycle(table, async (m, delaySeconds) => void scheduled.push({ code: m.code, delaySeconds, expiresAt: m.expiresAt.toISOString(), extra: m.extra }), 600);
  });

  it('activation stores expiresAt = issuedAt + TTL and schedules the expiry for the time left', async () => {
    const issuedAt = new Date('2026-11-24T09:59:00.500Z');
    expect(await lifecycle.handle({ phase: 'activate', code: 'abc-1-abc', issuedAt, extra: { traceparent: 't' } }, now)).toBe('activated');
    expect(table.calls).toEqual(['activate abc-1-abc 2026-11-24T10:09:00.500Z']);
    expect(scheduled).toEqual([{ code: 'abc-1-abc', delaySeconds: 541, expiresAt: '2026-11-24T10:09:00.500Z', extra: { traceparent: 't' } }]);
  });

  it.each(['already-active', 'already-used'] as const)('a duplicate (%s) schedules the expiry again: the first delivery may have died before sending it', async (outcome) => {
    table.activation = outcome;
    expect(await lifecycle.handle({ phase: 'activate', code: 'abc-1-abc', issuedAt: now, extra: {} }, now)).toBe(outcome);
    expect(scheduled).toHaveLength(1);
  });

  it('a superseded issuance schedules nothing', async () => {
    table.activation = 'superseded';
    await lifecycle.handle({ phase: 'activate', code: 'abc-1-abc', issuedAt: now, extra: {} }, now);
    expect(scheduled).toEqual([]);
  });

  it('an activation past its TTL touches nothing', async () => {
    const issuedAt = new Date(now.getTime() - 600_000);
    expect(await lifecycle.handle({ phase: 'activate', code: 'abc-1-abc', issuedAt, extra: {} }, now)).toBe('expired-on-arrival');
    expect(table.calls).toEqual([]);
    expect(scheduled).toEqual([]);
  });

  it('an early expiry is rescheduled, a due one deletes', async () => {
    const issuedAt = new Date(now.getTime() - 1000);
    const early = { phase: 'expire' as const, code: 'abc-1-abc', issuedAt, expiresAt: new Date(now.getTime() + 1500), extra: {} };
    expect(await lifecycle.handle(early, now)).toBe('rescheduled');
    expect(scheduled).toMatchObject([{ delaySeconds: 2 }]);
    expect(table.calls).toEqual([]);
    expect(await lifecycle.handle({ ...early, expiresAt: now }, now)).toBe('deleted');
    expect(table.calls).toEqual(['expire abc-1-abc']);
  });

  it('secondsUntil rounds up so an expiry never shows before expiresAt', () => {
    expect(secondsUntil(new Date(now.getTime() + 1), now)).toBe(1);
    expect(secondsUntil(new Date(now.getTime() - 5000), now)).toBe(0);
  });
});
