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

/**
 * A third-party service failed for this request (its own error family per client: number API,
 * Tiki). The message is the client's, safe to show; `reason` (status, error kind) is for the log
 * only, and never carries a URL, header or secret.
 */
export abstract class UpstreamError extends AppError {
  abstract readonly reason: string;
}
