import { jest } from '@jest/globals';
import { HttpException, Logger, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { ArgumentsHost } from '@nestjs/common';
import { AppExceptionFilter, errorCodeFor } from './app-exception.filter.js';
import { AppError } from './app-error.js';

function fakeHost() {
  const res = {
    statusCode: 0,
    body: undefined as unknown,
    headers: {} as Record<string, string>,
    headersSent: false,
    setHeader(name: string, value: string) {
      this.headers[name] = value;
    },
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    json(body: unknown) {
      this.body = body;
      return this;
    },
    end() {},
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  return { res, host };
}

describe('AppExceptionFilter', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));

  it('answers an AppError with its status, code, message and headers', () => {
    const { res, host } = fakeHost();
    new AppExceptionFilter().catch(new AppError('SOMETHING', 'Safe text.', 503, { headers: { 'Retry-After': '5' } }), host);
    expect(res.statusCode).toBe(503);
    expect(res.body).toEqual({ error: 'SOMETHING', message: 'Safe text.' });
    expect(res.headers['Retry-After']).toBe('5');
  });

  it('maps Nest HTTP exceptions to {error, message}', () => {
    const { res, host } = fakeHost();
    new AppExceptionFilter().catch(new NotFoundException('Cannot GET /x'), host);
    expect(res.body).toEqual({ error: 'NOT_FOUND', message: 'Cannot GET /x' });
    const throttled = fakeHost();
    new AppExceptionFilter().catch(new ThrottlerException(), throttled.host);
    expect(throttled.res.statusCode).toBe(429);
    expect(throttled.res.body).toMatchObject({ error: 'TOO_MANY_REQUESTS' });
  });

  it('joins validation message arrays', () => {
    const { res, host } = fakeHost();
    new AppExceptionFilter().catch(new HttpException({ message: ['a is bad', 'b is bad'] }, 400), host);
    expect(res.body).toEqual({ error: 'BAD_REQUEST', message: 'a is bad; b is bad' });
  });

  it('never shows an unknown error or its stack to the client', () => {
    const { res, host } = fakeHost();
    new AppExceptionFilter().catch(new Error('db password is hunter2 at /srv/app.js:12'), host);
    expect(res.statusCode).toBe(500);
    expect(res.body).toEqual({ error: 'INTERNAL_ERROR', message: 'Something went wrong on our side.' });
  });

  it('names unusual statuses', () => {
    expect(errorCodeFor(418)).toBe('I_AM_A_TEAPOT');
    expect(errorCodeFor(599)).toBe('HTTP_599');
  });
});
