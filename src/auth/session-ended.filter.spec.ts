import { jest } from '@jest/globals';
import type { ArgumentsHost } from '@nestjs/common';
import { SessionEndedError } from './auth.errors.js';
import { SessionEndedFilter } from './session-ended.filter.js';

function host(req: { method: string; accept: string; originalUrl: string }) {
  const res = { redirect: jest.fn(), status: jest.fn(), json: jest.fn(), setHeader: jest.fn() };
  res.status.mockReturnValue(res);
  const request = { method: req.method, originalUrl: req.originalUrl, accepts: (types: string[]) => (req.accept.includes('html') ? 'html' : types[0]) };
  const h = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => res }) } as unknown as ArgumentsHost;
  return { h, res };
}

describe('SessionEndedFilter', () => {
  it('sends a browser to log in again, back to the page it was on', () => {
    const { h, res } = host({ method: 'GET', accept: 'text/html', originalUrl: '/products/0' });
    new SessionEndedFilter().catch(new SessionEndedError('downstream 401'), h);
    expect(res.redirect).toHaveBeenCalledWith(302, '/auth/login?returnTo=%2Fproducts%2F0');
  });

  it('answers an API caller 401 JSON', () => {
    const { h, res } = host({ method: 'GET', accept: 'application/json', originalUrl: '/api/x' });
    new SessionEndedFilter().catch(new SessionEndedError('downstream 401'), h);
    expect(res.status).toHaveBeenCalledWith(401);
    expect(res.json).toHaveBeenCalledWith({ error: 'SESSION_ENDED', message: expect.any(String) });
    expect(res.redirect).not.toHaveBeenCalled();
  });
});
