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
}
