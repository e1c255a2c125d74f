import { ServiceUnavailableException } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import type { Response } from 'express';
import { readinessReport, statusOnly } from './health-report.js';

const down: HealthCheckResult = {
  status: 'error',
  info: {},
  error: { secrets: { status: 'down', missing: ['session-secret'], reason: 'not found' } },
  details: { secrets: { status: 'down', missing: ['session-secret'], reason: 'not found' } },
};

function fakeResponse() {
  const res = { statusCode: 200, status(code: number) { res.statusCode = code; return res; } };
  return res;
}

describe('readinessReport', () => {
  it('a passing check: its report, status untouched', async () => {
    const res = fakeResponse();
    const ok: HealthCheckResult = { status: 'ok', info: { q: { status: 'up' } }, error: {}, details: { q: { status: 'up' } } };
    expect(await readinessReport(() => Promise.resolve(ok), res as unknown as Response)).toBe(ok);
    expect(res.statusCode).toBe(200);
  });

  it("a failing check: terminus' report with 503, not an exception", async () => {
    const res = fakeResponse();
    const report = await readinessReport(() => Promise.reject(new ServiceUnavailableException(down)), res as unknown as Response);
    expect(report).toEqual(down);
    expect(res.statusCode).toBe(503);
  });

  it('any other error is not a readiness answer: it propagates', async () => {
    await expect(readinessReport(() => Promise.reject(new TypeError('bug')), fakeResponse() as unknown as Response)).rejects.toThrow('bug');
  });
});

describe('statusOnly', () => {
  it('keeps the status per component and drops names of secrets and reasons', () => {
    const trimmed = statusOnly(down);
    expect(trimmed).toEqual({ status: 'error', info: {}, error: { secrets: { status: 'down' } }, details: { secrets: { status: 'down' } } });
    expect(JSON.stringify(trimmed)).not.toMatch(/session-secret|not found/);
  });
});
