import { AppError } from '../common/app-error.js';

export class CodeTableUnavailableError extends AppError {
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super('CODE_TABLE_UNAVAILABLE', 'The code table is unavailable. Try again shortly.', 503, options);
  }
}
