import { jest } from '@jest/globals';
import { CodeDelivery, type CodeNotice } from './code-delivery.js';
import type { DeliveryConfig } from './delivery.config.js';
import { DeliveryFailedError } from './delivery.errors.js';
import type { Destination } from './destination.js';
import { DeliveryService, describeDeliveryFailure } from './delivery.service.js';

class ScriptedDelivery extends CodeDelivery {
  readonly channel = 'smtp' as const;
  readonly reaches = 'email' as const;
  constructor(private readonly behaviour: (signal: AbortSignal) => Promise<void>) {
    super();
  }
  send(_to: Destination, _notice: CodeNotice, signal: AbortSignal): Promise<void> {
    return this.behaviour(signal);
  }
  async ping(): Promise<void> {}
}

describe('DeliveryService', () => {
  const to: Destination = { kind: 'email', address: 'dana@example.test' };
  const notice = { code: '16482913', expiresAt: new Date('2026-12-04T10:10:00Z') };
  const who = { subject: 'sub-1', issuer: 'https://idp.example' };
  const lines: unknown[] = [];
  const service = (behaviour: (signal: AbortSignal) => Promise<void>, timeoutMs = 1000) => {
    const made = new DeliveryService(new ScriptedDelivery(behaviour), { timeoutMs } as DeliveryConfig);
    const logger = (made as unknown as { logger: { log: (l: unknown) => void; warn: (l: unknown) => void } }).logger;
    jest.spyOn(logger, 'log').mockImplementation((l) => void lines.push(l));
    jest.spyOn(logger, 'warn').mockImplementation((l) => void lines.push(l));
    return made;
  };
  beforeEach(() => (lines.length = 0));

  it('a send writes one audit line: event, subject, issuer, masked destination, channel, outcome (never the code)', async () => {
    await service(async () => undefined).send(to, notice, who);
    expect(lines).toEqual([
      { msg: 'second-factor.code.sent: sent', event: 'second-factor.code.sent', subject: 'sub-1', issuer: 'https://idp.example', destination: 'd\u2022\u2022\u2022@example.test', channel: 'smtp', outcome: 'sent' },
    ]);
    expect(JSON.stringify(lines)).not.toContain(notice.code);
  });

  it('a failure is DeliveryFailedError (503, "could not send, try again"), logged by kind and status only, never the server’s words', async () => {
    const failing = service(() => Promise.reject(Object.assign(new Error('550 <dana@example.test>: no such user'), { code: 'EENVELOPE', responseCode: 550 })));
    const error = await failing.send(to, notice, who).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error).toMatchObject({ status: 503, code: 'DELIVERY_FAILED', reason: 'EENVELOPE SMTP 550', timedOut: false });
    expect(lines).toEqual([expect.objectContaining({ event: 'second-factor.code.send-failed', outcome: 'failed', reason: 'EENVELOPE SMTP 550' })]);
    expect(JSON.stringify(lines)).not.toContain('dana@example.test');
  });

  it('a channel slower than DELIVERY_TIMEOUT_MS is stopped there: the signal it was given aborts, and the send fails as a timeout', async () => {
    let seen: AbortSignal | undefined;
    const slow = service((signal) => {
      seen = signal;
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
    }, 100);
    const error = await slow.send(to, notice, who).catch((e: unknown) => e);
    expect(seen?.aborted).toBe(true);
    expect(error).toMatchObject({ code: 'DELIVERY_FAILED', timedOut: true, reason: 'no answer within 100 ms' });
    expect(lines).toEqual([expect.objectContaining({ outcome: 'timeout' })]);
  });

  it.each([
    [Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'ECONNREFUSED'],
    [Object.assign(new Error('x'), { name: 'RestError', code: 'ServiceUnavailable', statusCode: 503 }), 'ServiceUnavailable HTTP 503'],
    [new TypeError('boom'), 'TypeError'],
    [undefined, 'Error'],
  ])('describeDeliveryFailure(%p) = %p', (error, text) => {
    expect(describeDeliveryFailure(error)).toBe(text);
  });
});
