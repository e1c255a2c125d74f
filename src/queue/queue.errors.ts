import { AppError } from '../common/app-error.js';

export class QueueUnavailableError extends AppError {
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super('QUEUE_UNAVAILABLE', 'The code queue is unavailable; no code was issued. Try again shortly.', 503, options);
  }
}
