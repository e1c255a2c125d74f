import { UpstreamError, type UpstreamFailure } from '../common/app-error.js';

// The sample's wording for every upstream failure; `error` tells them apart.
const MESSAGE = 'Could not get you a code.';

/** The number API failed (NUMBER_API_<FAILURE>). */
export abstract class NumberApiError extends UpstreamError {
  protected constructor(failure: UpstreamFailure, reason: string, message = MESSAGE) {
    super('NUMBER_API', failure, message, reason);
  }
}

/** The API answered with a status other than 200 (401/403 after the one retry with a re-read key). */
export class NumberApiStatusError extends NumberApiError {
  constructor(readonly upstreamStatus: number) {
    super('BAD_STATUS', `status ${upstreamStatus}`);
  }
}

export class NumberApiTimeoutError extends NumberApiError {
  constructor(timeoutMs: number) {
    super('TIMEOUT', `no answer within ${timeoutMs} ms`, `${MESSAGE} The number service did not answer within ${timeoutMs} ms.`);
  }
}

/** Refused, reset or otherwise broken connection. */
export class NumberApiUnreachableError extends NumberApiError {
  constructor(reason: string) {
    super('UNREACHABLE', reason);
  }
}

/** 200 with a body that is not `{"value": <integer>}`. */
export class NumberApiBadResponseError extends NumberApiError {
  constructor(reason: string) {
    super('BAD_RESPONSE', reason);
  }
}
