import { AppError } from '../common/app-error.js';

// The sample's wording for every upstream failure; `error` tells them apart.
const MESSAGE = 'Could not get you a code.';

export abstract class NumberApiError extends AppError {}

/** The API answered with a status other than 200 (401/403 after the one retry with a re-read key). */
export class NumberApiStatusError extends NumberApiError {
  constructor(readonly upstreamStatus: number) {
    super('NUMBER_API_BAD_STATUS', MESSAGE, 502);
  }
}

export class NumberApiTimeoutError extends NumberApiError {
  constructor(timeoutMs: number) {
    super('NUMBER_API_TIMEOUT', `${MESSAGE} The number service did not answer within ${timeoutMs} ms.`, 504);
  }
}

/** Refused, reset or otherwise broken connection. */
export class NumberApiUnreachableError extends NumberApiError {
  constructor(readonly reason: string) {
    super('NUMBER_API_UNREACHABLE', MESSAGE, 502);
  }
}

/** 200 with a body that is not `{"value": <integer>}`. */
export class NumberApiBadResponseError extends NumberApiError {
  constructor(readonly reason: string) {
    super('NUMBER_API_BAD_RESPONSE', MESSAGE, 502);
  }
}
