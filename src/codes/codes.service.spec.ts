import { jest } from '@jest/globals';
import { CodesService } from './codes.service.js';
import { NumberApi } from '../number-api/number-api.js';
import { CodeQueue, type CodeMessage } from '../queue/code-queue.js';
import { NumberApiStatusError } from '../number-api/number-api.errors.js';
import { QueueUnavailableError } from '../queue/queue.errors.js';
import { CodeTable, type CodeIssuance, type IssueOutcome } from '../code-table/code-table.js';
import { CodeTableUnavailableError } from '../code-table/code-table.errors.js';
import { CODE_PATTERN } from './code-generator.js';
import { clockOf } from '../../test/support/clock.js';
import type { AuthUser } from '../auth/auth-user.js';
import { ForbiddenRoleError, NotAuthenticatedError } from '../auth/auth.errors.js';
import type { RoutePolicy } from '../auth/guard/route-policy.js';

const signedIn = (sub: string, roles: string[] = []): AuthUser => ({ sub, iss: 'https://idp.example', name: sub, roles, via: 'bearer' });

class FixedNumbers extends NumberApi {
  constructor(private readonly answer: () => Promise<number>) {
    super();
  }
  getNumber() {
    return this.answer();
  }
  async ping() {}
}

class RecordingQueue extends CodeQueue {
  constructor(private readonly log: string[]) {
    super();
  }
  readonly sent: CodeMessage[] = [];
  fail = false;
  async send(message: CodeMessage) {
    if (this.fail) throw new QueueUnavailableError('HTTP 503');
    this.log.push(`queue ${message.code}`);
    this.sent.push(message);
  }
  async ping() {}
}

const notUsed = (): Promise<never> => Promise.reject(new Error('not used'));

/** Records the order of writes; the table's own rules are tested against Azurite in test/. */
class RecordingTable extends CodeTable {
  constructor(private readonly log: string[]) {
    super();
  }
  inserts: IssueOutcome[] = [];
  failInsert = false;
  failCommit = false;
  failRevoke = false;
  rows: CodeIssuance[] = [];
  async insertIssued(issuance: CodeIssuance): Promise<IssueOutcome> {
    if (this.failInsert) throw new CodeTableUnavailableError('HTTP 503');
    const outcome = this.inserts.shift() ?? 'stored';
    this.log.push(`insert ${issuance.code} ${outcome}${issuance.owner ? ` owner=${issuance.owner.subject}` : ''}`);
    if (outcome === 'stored') this.rows.push(issuance);
    return outcome;
  }
  async commitOwned(issuance: CodeIssuance, max: number): Promise<CodeIssuance[]> {
    if (this.failCommit) throw new CodeTableUnavailableError('HTTP 503');
    this.log.push(`commit ${issuance.code} max=${max}`);
    return [];
  }
  async revoke(issuance: Pick<CodeIssuance, 'code'>): Promise<void> {
    if (this.failRevoke) throw new CodeTableUnavailableError('HTTP 503');
    this.log.push(`revoke ${issuance.code}`);
  }
  activate = notUsed;
  revokeOwned = notUsed;
  expire = notUsed;
  consume = notUsed;
  outstanding = notUsed;
  sweepExpired = notUsed;
  isLive = notUsed;
  async ping() {}
}

describe('CodesService', () => {
  const clock = clockOf(() => Date.parse('2026-11-24T10:00:00.123Z'));
  let getcodeAuth: RoutePolicy = { kind: 'none' };
  const policy = () => ({ getcodeAuth, ttlSeconds: 600, maxOutstanding: 1 });
  let log: string[];
  let queue: RecordingQueue;
  let table: RecordingTable;
  const service = (numbers = new FixedNumbers(async () => 161)) => new CodesService(numbers, queue, table, policy(), clock);

  beforeEach(() => {
    getcodeAuth = { kind: 'none' };
    log = [];
    queue = new RecordingQueue(log);
    table = new RecordingTable(log);
  });

  it('writes the table row {valid, expiresAt = issuedAt + TTL} first, then the queue, then returns the same code', async () => {
    const issued = await service().issue(undefined);
    expect(issued.code).toMatch(CODE_PATTERN);
    expect(issued.code.split('-')[1]).toBe('161');
    expect(issued.timestamp).toBe('2026-11-24T10:00:00.123Z');
    expect(queue.sent).toEqual([issued]);
    expect(log).toEqual([`insert ${issued.code} stored`, `queue ${issued.code}`]);
    expect(table.rows[0]!.expiresAt.toISOString()).toBe('2026-11-24T10:10:00.123Z');
  });

  it('a signed-in caller: the row records the subject, and the owner list is committed after the queue', async () => {
    const issued = await service().issue(signedIn('user-1'));
    expect(log).toEqual([`insert ${issued.code} stored owner=user-1`, `queue ${issued.code}`, `commit ${issued.code} max=1`]);
  });

  it('draws new letters when the code string already has a row (never overwrites another issuance)', async () => {
    table.inserts = ['taken', 'taken'];
    const issued = await service().issue(undefined);
    expect(log.filter((l) => l.startsWith('insert'))).toHaveLength(3);
    expect(log.at(-1)).toBe(`queue ${issued.code}`);
  });

  it('writes nothing when the number API fails', async () => {
    await expect(service(new FixedNumbers(() => Promise.reject(new NumberApiStatusError(500)))).issue(undefined)).rejects.toBeInstanceOf(NumberApiStatusError);
    expect(log).toEqual([]);
  });

  it('table down: no code, nothing queued', async () => {
    table.failInsert = true;
    await expect(service().issue(undefined)).rejects.toBeInstanceOf(CodeTableUnavailableError);
    expect(queue.sent).toEqual([]);
  });

  it('queue down: no code returned, and the row it wrote is revoked', async () => {
    queue.fail = true;
    await expect(service().issue(undefined)).rejects.toBeInstanceOf(QueueUnavailableError);
    const code = table.rows[0]!.code;
    expect(log).toEqual([`insert ${code} stored`, `revoke ${code}`]);
  });

  it('queue down and the revocation fails too: still the queue error (the row lapses at its own expiresAt)', async () => {
    queue.fail = true;
    table.failRevoke = true;
    await expect(service().issue(undefined)).rejects.toBeInstanceOf(QueueUnavailableError);
  });

  it('owner list write fails: no code returned, the row is revoked', async () => {
    table.failCommit = true;
    await expect(service().issue(signedIn('user-1'))).rejects.toBeInstanceOf(CodeTableUnavailableError);
    const code = table.rows[0]!.code;
    expect(log).toEqual([`insert ${code} stored owner=user-1`, `queue ${code}`, `revoke ${code}`]);
  });

  describe('GETCODE_AUTH, enforced here for every route that issues', () => {
    const numbers = () => new FixedNumbers(async () => 161);
    it.each<[string, RoutePolicy, AuthUser | undefined, (new (...a: never[]) => Error) | undefined]>([
      ['none: anyone', { kind: 'none' }, undefined, undefined],
      ['user: anonymous refused (401)', { kind: 'user' }, undefined, NotAuthenticatedError],
      ['user: a signed-in caller', { kind: 'user' }, signedIn('u'), undefined],
      ['role: anonymous refused (401)', { kind: 'role', role: 'codes-reader' }, undefined, NotAuthenticatedError],
      ['role: without the role refused (403)', { kind: 'role', role: 'codes-reader' }, signedIn('u', ['user']), ForbiddenRoleError],
      ['role: with the role', { kind: 'role', role: 'codes-reader' }, signedIn('u', ['codes-reader']), undefined],
    ])('%s', async (_label, auth, caller, refusal) => {
      getcodeAuth = auth;
      const counting = numbers();
      const calls = jest.spyOn(counting, 'getNumber');
      const issuing = service(counting).issue(caller);
      if (refusal) {
        await expect(issuing).rejects.toBeInstanceOf(refusal);
        // Refused before any work: no number, no row, no message.
        expect(calls).not.toHaveBeenCalled();
        expect(log).toEqual([]);
      } else {
        await expect(issuing).resolves.toMatchObject({ code: expect.stringMatching(CODE_PATTERN) });
      }
    });

    it('binds the code to the caller’s issuer and subject', async () => {
      await service().issue(signedIn('user-7'));
      expect(table.rows[0]!.owner).toEqual({ subject: 'user-7', issuer: 'https://idp.example' });
    });
  });
});
