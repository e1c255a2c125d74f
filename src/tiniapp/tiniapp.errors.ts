import { AppError, UpstreamError, type UpstreamFailure } from '../common/app-error.js';

/** The client's request is not what the seed accepts; messages are the seed's own. */
export class TiniAppBadRequestError extends AppError {
  constructor(message: string) {
    super('BAD_REQUEST', message, 400);
  }
}

export class TiniAppPayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super('PAYLOAD_TOO_LARGE', `The request body is larger than ${limitBytes} bytes.`, 413);
  }
}

// Upstream failures name no URL, header, secret or library message; `reason` is for the log only.
const UPSTREAM_MESSAGE = 'Tiki could not be reached for this request; try again later.';

/** Tiki's platform API failed (TIKI_API_<FAILURE>). */
export abstract class TikiApiError extends UpstreamError {
  protected constructor(failure: UpstreamFailure, reason: string, message = UPSTREAM_MESSAGE) {
    super('TIKI_API', failure, message, reason);
  }
}

/** Tiki answered 5xx (or another status that is not its own 2xx/4xx answer). */
export class TikiApiStatusError extends TikiApiError {
  constructor(readonly upstreamStatus: number) {
    super('BAD_STATUS', `status ${upstreamStatus}`);
  }
}

export class TikiApiTimeoutError extends TikiApiError {
  constructor(timeoutMs: number) {
    super('TIMEOUT', `no answer within ${timeoutMs} ms`, `Tiki did not answer within ${timeoutMs} ms; try again later.`);
  }
}

/** Refused, reset or otherwise broken connection. */
export class TikiApiUnreachableError extends TikiApiError {
  constructor(reason: string) {
    super('UNREACHABLE', reason);
  }
}

/** An answer that is not Tiki's JSON `{data, error}`. */
export class TikiApiBadResponseError extends TikiApiError {
  constructor(reason: string) {
    super('BAD_RESPONSE', reason);
  }
}
