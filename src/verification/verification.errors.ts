import { AppError } from '../common/app-error.js';

export class InvalidVerifyRequestError extends AppError {
  constructor(detail: string) {
    super('INVALID_REQUEST', `Expected a JSON body like {"code": "abC-161-xYz"}: ${detail}.`, 400);
  }
}

/** The attempt budget is spent: 429 until the window ends (Twilio Verify answers 429 / 60202 too). */
export class TooManyAttemptsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('TOO_MANY_ATTEMPTS', 'Too many wrong codes. Request a new code after the wait given in Retry-After.', 429, {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}
