import { isRestError } from '@azure/core-rest-pipeline';

/** Status and error code only: storage errors can echo request URLs carrying SAS tokens. */
export function describeStorageFailure(error: unknown): string {
  if (isRestError(error)) {
    if (error.statusCode) return `HTTP ${error.statusCode}${error.code ? ` (${error.code})` : ''}`;
    return `network error (${error.code ?? 'unknown'})`;
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${error.name} (${code})` : error.name;
  }
  return 'unknown error';
}
