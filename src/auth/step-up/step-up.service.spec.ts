import { jest } from '@jest/globals';
import type { CodeOwner } from '../../code-table/code-table.js';
import type { DeliveryService } from '../../delivery/delivery.service.js';
import { DeliveryFailedError } from '../../delivery/delivery.errors.js';
import type { AuthUser } from '../auth-user.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import { clockOf } from '../../../test/support/clock.js';
import { SecondFactorCodes, type IssuedStepUpCode, type StepUpCheck } from './second-factor-codes.js';
import { SendLimits, type SendAllowance } from './send-limits.js';
import type { StepUpConfig } from './step-up.config.js';
import { StepUpService } from './step-up.service.js';

const NOW = Date.parse('2026-12-04T10:00:00Z');
const issued: IssuedStepUpCode = { code: '16482913', issuedAt: new Date(NOW), expiresAt: new Date(NOW + 600_000) };

class FakeCodes extends SecondFactorCodes {
  readonly log: string[] = [];
  next: StepUpCheck = { outcome: 'verified' };
  async issue(owner: CodeOwner) {
    this.log.push(`issue ${owner.issuer}|${owner.subject}`);
    return issued;
  }
  async revoke(code: IssuedStepUpCode) {
    this.log.push(`revoke ${code.code}`);
  }
  async check(owner: CodeOwner, typed: string) {
    this.log.push(`check ${owner.subject} ${typed}`);
    return this.next;
  }
}

class FakeLimits extends SendLimits {
  verdict: SendAllowance = { allowed: true };
  readonly keys: string[] = [];
  async reserve(key: string) {
    this.keys.push(key);
    return this.verdict;
  }
}

describe('StepUpService', () => {
  const user: AuthUser = {
    sub: 'sub-1',
    iss: 'https://idp.example',
    name: 'Dana',
    roles: [],
    via: 'session',
    sessionId: 'session-1',
    contacts: { email: 'Dana@Example.test' },
  };
  let codes: FakeCodes;
  let limits: FakeLimits;
  let sent: unknown[];
  let sendFails: boolean;
  let lines: Array<Record<string, unknown>>;
  const recordSecondFactor = jest.fn(async (_id: string) => ({ session: {}, cookie: 'new-cookie' }));

  const service = () => {
    const delivery = {
      channel: 'smtp',
      reaches: 'email',
      send: async (...args: unknown[]) => {
        if (sendFails) throw new DeliveryFailedError('ECONNREFUSED');
        sent.push(args);
      },
    } as unknown as DeliveryService;
    const config = { sendsPerWindow: 5, sendWindowSeconds: 600, resendCooldownSeconds: 30 } as StepUpConfig;
    const made = new StepUpService(config, codes, delivery, limits, { recordSecondFactor } as unknown as SessionsService, clockOf(() => NOW));
    const logger = (made as unknown as { logger: { log: (l: unknown) => void; warn: (l: unknown) => void } }).logger;
    jest.spyOn(logger, 'log').mockImplementation((l) => void lines.push(l as Record<string, unknown>));
    jest.spyOn(logger, 'warn').mockImplementation((l) => void lines.push(typeof l === 'string' ? { text: l } : (l as Record<string, unknown>)));
    return made;
  };

  beforeEach(() => {
    codes = new FakeCodes();
    limits = new FakeLimits();
    sent = [];
    sendFails = false;
    lines = [];
    recordSecondFactor.mockClear();
  });

  it('send: the limits are reserved first (per issuer, subject and destination), then the code is issued, then delivered', async () => {
    const result = await service().send(user);
    expect(limits.keys).toEqual(['https://idp.example\nsub-1\ndana@example.test']);
    expect(codes.log).toEqual(['issue https://idp.example|sub-1']);
    expect(sent).toEqual([[{ kind: 'email', address: 'Dana@Example.test' }, { code: '16482913', expiresAt: issued.expiresAt }, { subject: 'sub-1', issuer: 'https://idp.example' }]]);
    expect(result).toEqual({ destination: 'D\u2022\u2022\u2022@Example.test', kind: 'email', expiresAt: issued.expiresAt });
  });

  it('send refused by a limit: 429 with Retry-After, an audit line, and no code issued', async () => {
    limits.verdict = { allowed: false, limit: 'cooldown', retryAfterSeconds: 12 };
    await expect(service().send(user)).rejects.toMatchObject({ status: 429, code: 'TOO_MANY_SENDS', headers: { 'Retry-After': '12' } });
    expect(codes.log).toEqual([]);
    expect(lines).toEqual([expect.objectContaining({ event: 'second-factor.code.send-limited', outcome: 'cooldown', retryAfterSeconds: 12, subject: 'sub-1' })]);
  });

  it('a failed delivery revokes the code it issued and answers the delivery’s error', async () => {
    sendFails = true;
    await expect(service().send(user)).rejects.toBeInstanceOf(DeliveryFailedError);
    expect(codes.log).toEqual(['issue https://idp.example|sub-1', 'revoke 16482913']);
  });

  it('no verified destination, or a Bearer caller: nothing is reserved or issued', async () => {
    await expect(service().send({ ...user, contacts: {} })).rejects.toMatchObject({ code: 'NO_VERIFIED_DESTINATION' });
    await expect(service().send({ ...user, via: 'bearer', sessionId: undefined })).rejects.toMatchObject({ code: 'SESSION_REQUIRED' });
    expect([limits.keys, codes.log]).toEqual([[], []]);
  });

  it('verify: success steps the session up under a new id; each refusal has its error and audit line; the code is never logged', async () => {
    await expect(service().verify(user, '1648 2913')).resolves.toEqual({ cookie: 'new-cookie' });
    expect(recordSecondFactor).toHaveBeenCalledWith('session-1');
    const outcomes: Array<[StepUpCheck, string, string]> = [
      [{ outcome: 'wrong' }, 'WRONG_CODE', 'second-factor.code.refused'],
      [{ outcome: 'code-locked', checks: 5 }, 'CODE_LOCKED', 'second-factor.code.locked'],
      [{ outcome: 'locked', retryAfterSeconds: 300 }, 'TOO_MANY_ATTEMPTS', 'second-factor.subject.locked'],
    ];
    for (const [check, code, event] of outcomes) {
      codes.next = check;
      await expect(service().verify(user, '00000000')).rejects.toMatchObject({ code });
      expect(lines.at(-1)).toMatchObject({ event, channel: 'smtp', destination: 'D\u2022\u2022\u2022@Example.test' });
    }
    expect(lines[0]).toMatchObject({ event: 'second-factor.code.verified', outcome: 'ok' });
    expect(JSON.stringify(lines)).not.toMatch(/16482913|1648 2913|00000000/);
  });
});
