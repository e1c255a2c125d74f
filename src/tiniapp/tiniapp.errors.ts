import { AppError } from '../common/app-error.js';

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

export abstract class TikiApiError extends AppError {}

/** Tiki answered 5xx (or another status that is not its own 2xx/4xx answer). */
export class TikiApiStatusError extends TikiApiError {
  constructor(readonly upstreamStatus: number) {
    super('TIKI_API_BAD_STATUS', UPSTREAM_MESSAGE, 502);
  }
  get reason(): string {
    return `status ${this.upstreamStatus}`;
  }
}

export class TikiApiTimeoutError extends TikiApiError {
  constructor(timeoutMs: number) {
    super('TIKI_API_TIMEOUT', `Tiki did not answer within ${timeoutMs} ms; try again later.`, 504);
  }
}

/** Refused, reset or otherwise broken connection. */
export class TikiApiUnreachableError extends TikiApiError {
  constructor(readonly reason: string) {
    super('TIKI_API_UNREACHABLE', UPSTREAM_MESSAGE, 502);
  }
}

/** An answer that is not Tiki's JSON `{data, error}`. */
export class TikiApiBadResponseError extends TikiApiError {
  constructor(readonly reason: string) {
    super('TIKI_API_BAD_RESPONSE', UPSTREAM_MESSAGE, 502);
  }
}
