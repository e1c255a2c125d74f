/** Every error answer of the API: a stable code and a message safe to show. */
export interface ErrorBody {
  error: string;
  message: string;
}

/**
 * The project's own error: a stable machine-readable `code`, a message safe to show a client (never
 * a secret, header or internal detail) and the HTTP status the global filter answers with.
 * Adapters translate library errors into these.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.headers = options?.headers;
  }
  readonly headers?: Record<string, string>;

  /**
   * On an HTML page, where to send the browser instead of showing the error (e.g. to log in when
   * the session has ended); undefined shows the page's error view.
   */
  pageRedirect(_request: { method: string; originalUrl: string }): string | undefined {
    return undefined;
  }
}

/** How a call to a third-party service failed, and the status the API answers with: its fault (502) or its silence (504). */
export const UPSTREAM_FAILURES = { BAD_STATUS: 502, TIMEOUT: 504, UNREACHABLE: 502, BAD_RESPONSE: 502 } as const;
export type UpstreamFailure = keyof typeof UPSTREAM_FAILURES;

/**
 * A third-party service failed for this request. Each client has its family (number API, Tiki),
 * coded `<SERVICE>_<FAILURE>`. The message is the client's, safe to show; `reason` (a status, an
 * error kind) is for the log only and never carries a URL, header or secret.
 */
export abstract class UpstreamError extends AppError {
  protected constructor(
    service: string,
    readonly failure: UpstreamFailure,
    message: string,
    readonly reason: string,
  ) {
    super(`${service}_${failure}`, message, UPSTREAM_FAILURES[failure]);
  }
}
