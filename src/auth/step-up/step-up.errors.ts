import { AppError } from '../../common/app-error.js';
import { stepUpChallenge } from './second-factor-policy.js';

/** Where a browser steps up and comes back to `returnTo`. */
export function secondFactorUrl(returnTo: string): string {
  return `/auth/second-factor?returnTo=${encodeURIComponent(returnTo)}`;
}

/**
 * The route wants a fresher second factor. A browser session on a page is sent to
 * /auth/second-factor and back (GET only); everyone else gets 401 with the RFC 9470 challenge.
 */
export class SecondFactorRequiredError extends AppError {
  constructor(
    maxAgeSeconds: number,
    acrValues: readonly string[],
    private readonly browser: boolean,
  ) {
    super('SECOND_FACTOR_REQUIRED', `This needs a second factor done within the last ${maxAgeSeconds} seconds.`, 401, {
      headers: { 'WWW-Authenticate': stepUpChallenge(maxAgeSeconds, acrValues) },
    });
  }

  override pageRedirect(request: { method: string; originalUrl: string }): string | undefined {
    return this.browser && request.method === 'GET' ? secondFactorUrl(request.originalUrl) : undefined;
  }
}

/** The IdP vouched for no destination of the channel's kind. */
export class NoVerifiedDestinationError extends AppError {
  constructor(kind: 'email' | 'phone') {
    super(
      'NO_VERIFIED_DESTINATION',
      kind === 'email'
        ? 'Your identity provider has not confirmed an e-mail address for you, so there is nowhere to send a code. Add and verify an e-mail address in your account there (or ask your administrator to), then log out and log in again.'
        : 'Your identity provider has not confirmed a phone number for you, so there is nowhere to send a code. Add and verify a phone number in your account there (or ask your administrator to), then log out and log in again.',
      409,
    );
  }
}

/** The page works for browser sessions only: a Bearer caller steps up at its IdP (RFC 9470). */
export class SessionRequiredError extends AppError {
  constructor() {
    super('SESSION_REQUIRED', 'The second-factor page is for browser sessions. API callers step up at their identity provider.', 400);
  }
}

/** A send limit: the resend cooldown or the sends per destination per window. */
export class SendLimitedError extends AppError {
  constructor(
    readonly limit: 'cooldown' | 'window',
    readonly retryAfterSeconds: number,
  ) {
    super(
      'TOO_MANY_SENDS',
      limit === 'cooldown'
        ? `A code was sent moments ago. Check your messages, or send a new code in ${retryAfterSeconds} s.`
        : `Too many codes were sent to this destination. Send a new code in ${retryAfterSeconds} s.`,
      429,
      { headers: { 'Retry-After': String(retryAfterSeconds) } },
    );
  }
}

/** The typed code is not the one sent (or it expired, or it was used). */
export class WrongCodeError extends AppError {
  constructor() {
    super('WRONG_CODE', 'That code is not right, or it has expired. Check the code and try again, or send a new one.', 400);
  }
}

/** The code had its checks (5, as Twilio Verify): revoked; a new one must be sent. */
export class CodeLockedError extends AppError {
  constructor(checks: number) {
    super('CODE_LOCKED', `That code was entered wrong ${checks} times and no longer works. Send a new code and enter that one.`, 429);
  }
}

/** The subject's attempt budget is spent: no code is checked until then. */
export class SecondFactorLockedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('TOO_MANY_ATTEMPTS', `Too many wrong codes. Try again in ${retryAfterSeconds} s, with a new code.`, 429, {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

/** A step-up form that is not what the page sends. */
export class InvalidStepUpFormError extends AppError {
  constructor(detail: string) {
    super('INVALID_REQUEST', `The form was not filled in as expected: ${detail}.`, 400);
  }
}
